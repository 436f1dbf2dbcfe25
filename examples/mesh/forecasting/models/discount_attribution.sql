-- What discounts cost per product group, and the usual discount rate there.
select
    m.product_group,
    count(*) as invoices,
    cast(avg(s.discount_rate) as decimal(6, 4)) as avg_discount_rate,
    sum(cast(s.net_amount / (1 - s.discount_rate) as decimal(14, 2)) - s.net_amount) as discount_given
from {{ ref('platform', 'stg_sales') }} as s
join {{ ref('product_mapping') }} as m on m.product_code = s.product_code
group by m.product_group
