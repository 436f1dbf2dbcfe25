{{ config(materialized='ephemeral') }}

-- Sales with product and customer attributes; inlined as a CTE wherever it is used.
select
    s.invoice_id,
    s.invoice_date,
    s.quantity,
    s.net_amount,
    s.discount_rate,
    p.product_group,
    c.country_code
from {{ ref('stg_sales') }} as s
join {{ ref('stg_products') }} as p on p.product_code = s.product_code
join {{ ref('stg_customers') }} as c on c.customer_id = s.customer_id
where s.invoice_date >= cast('{{ var("first_invoice_date") }}' as date)
