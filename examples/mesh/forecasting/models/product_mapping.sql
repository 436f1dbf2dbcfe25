-- Products the ERP renamed to a new code count as the new product.
select
    p.product_code,
    coalesce(r.new_code, p.product_code) as current_code,
    current_product.product_group
from {{ ref('platform', 'stg_products') }} as p
left join {{ ref('platform', 'stg_product_renames') }} as r on r.old_code = p.product_code
join {{ ref('platform', 'stg_products') }} as current_product on current_product.product_code = coalesce(r.new_code, p.product_code)
