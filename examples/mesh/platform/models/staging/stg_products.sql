select
    "Product Code" as product_code,
    trim("Product Name") as product_name,
    upper(trim("Product Group")) as product_group,
    {{ parse_eu_number('"List Price"') }} as list_price
from {{ ref('raw_products') }}
