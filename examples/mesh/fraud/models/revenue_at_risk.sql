-- Forecast revenue of the product groups with suspicious discounts (still on forecast v1).
select
    f.product_group,
    f.forecast_revenue,
    count(distinct s.invoice_id) as suspicious_invoices
from {{ ref('forecasting', 'revenue_forecast', v=1) }} as f
join {{ ref('suspicious_discounts') }} as s on s.product_group = f.product_group
group by f.product_group, f.forecast_revenue
