select
    labels.payment_method,
    labels.label,
    count(payments.payment_id) as number_of_payments,
    coalesce(sum(payments.amount), 0) as total_amount
from {{ ref('shop_utils', 'payment_method_labels') }} as labels
left join {{ ref('stg_payments') }} as payments
    on payments.payment_method = labels.payment_method
group by labels.payment_method, labels.label
