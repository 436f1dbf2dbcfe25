-- Invoices whose discount is far above what is usual for the product group.
select
    s.invoice_id,
    s.invoice_date,
    s.customer_id,
    p.product_group,
    s.discount_rate,
    d.avg_discount_rate
from {{ ref('platform', 'stg_sales') }} as s
join {{ ref('platform', 'stg_products') }} as p on p.product_code = s.product_code
join {{ ref('forecasting', 'discount_attribution') }} as d on d.product_group = p.product_group
where s.discount_rate > 2 * d.avg_discount_rate
