select
    cast(date_trunc('month', s.invoice_date) as date) as revenue_month,
    m.product_group,
    count(*) as invoices,
    sum(s.net_amount) as net_revenue,
    sum(cast(s.net_amount / (1 - s.discount_rate) as decimal(14, 2)) - s.net_amount) as discount_given
from {{ ref('platform', 'stg_sales') }} as s
join {{ ref('product_mapping') }} as m on m.product_code = s.product_code
group by 1, 2
