select
    "Invoice No" as invoice_id,
    {{ parse_yyyymmdd('"Invoice Date"') }} as invoice_date,
    "Customer ID" as customer_id,
    "Product Code" as product_code,
    cast("Qty" as integer) as quantity,
    {{ parse_eu_number('"Net Amount"') }} as net_amount,
    {{ parse_percent('"Discount %"') }} as discount_rate
from {{ ref('raw_sales') }}
