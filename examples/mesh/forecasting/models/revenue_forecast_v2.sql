-- v2: also says how many months the forecast rests on.
select
    product_group,
    cast(avg(net_revenue) * (1 + {{ var('growth_rate') }}) as decimal(14, 2)) as forecast_revenue,
    count(*) as months_observed
from {{ ref('monthly_revenue') }}
group by product_group
