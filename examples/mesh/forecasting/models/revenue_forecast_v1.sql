-- v1: next month's revenue per product group, from the average month so far.
select
    product_group,
    cast(avg(net_revenue) * (1 + {{ var('growth_rate') }}) as decimal(14, 2)) as forecast_revenue
from {{ ref('monthly_revenue') }}
group by product_group
