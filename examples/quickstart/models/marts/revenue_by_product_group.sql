select
    product_group,
    count(distinct invoice_id) as invoices,
    sum(quantity) as units,
    sum(net_amount) as net_revenue,
    -- What the discounts cost: list value minus what was invoiced.
    sum(cast(net_amount / (1 - discount_rate) as decimal(14, 2)) - net_amount) as discount_given
from {{ ref('sales_enriched') }}
group by product_group
order by product_group
