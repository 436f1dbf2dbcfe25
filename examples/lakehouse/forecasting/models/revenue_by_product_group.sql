-- Read straight from platform's Parquet files: ref('platform', …) renders read_parquet('…/lake/…').
select
    p.product_group,
    count(distinct s.invoice_no) as invoices,
    sum(s.quantity) as units,
    sum(s.net_amount) as net_revenue
from {{ ref('platform', 'sales_lines') }} as s
join {{ ref('platform', 'products') }} as p on p.product_code = s.product_code
group by p.product_group
