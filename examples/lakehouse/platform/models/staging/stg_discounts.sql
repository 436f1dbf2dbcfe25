select
    product_code,
    cast(discount_pct as decimal(5, 2)) / 100 as discount_rate,
    cast(valid_from as date) as valid_from,
    cast(valid_to as date) as valid_to
from {{ source('finance', 'discounts') }}
