-- The mart must account for every invoiced euro since first_invoice_date: returns a row if not.
select mart.total, sales.total
from (select sum(net_revenue) as total from {{ ref('revenue_by_product_group') }}) as mart
cross join (
    select sum(net_amount) as total
    from {{ ref('stg_sales') }}
    where invoice_date >= cast('{{ var("first_invoice_date") }}' as date)
) as sales
where mart.total <> sales.total
