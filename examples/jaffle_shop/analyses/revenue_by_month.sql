-- An analysis: compiled by `compile` and `docs generate` (target/compiled/…), never built.
select
    date_trunc('month', order_date) as order_month,
    count(*) as orders,
    sum(amount) as revenue
from {{ ref('orders') }}
group by 1
order by 1
