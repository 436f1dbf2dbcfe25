-- Each drop (landing/products/<day>.csv) is a full export: the newest file holds the current
-- name and group of every product.
select
    product_code,
    trim(product_name) as product_name,
    upper(trim(product_group)) as product_group,
    cast(list_price as decimal(10, 2)) as list_price
from {{ source('finance', 'products') }}
qualify row_number() over (partition by product_code order by parse_filename(filename) desc) = 1
