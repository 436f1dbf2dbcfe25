-- Product codes the ERP replaced: sales under the old code belong to the new product.
select
    "Old Code" as old_code,
    "New Code" as new_code,
    {{ parse_yyyymmdd('"Renamed On"') }} as renamed_on
from {{ ref('raw_product_renames') }}
