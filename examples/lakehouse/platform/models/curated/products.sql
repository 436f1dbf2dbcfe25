-- The current version of each product, from the snapshot's history.
select
    product_code,
    product_name,
    product_group,
    list_price,
    cast(strata_valid_from as timestamp) as current_since
from {{ ref('products_history') }}
where strata_valid_to is null
