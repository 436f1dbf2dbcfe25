-- One row per invoice line, with the discount of the campaign running on the invoice date.
select
    s.invoice_no,
    cast(s.line_no as integer) as line_no,
    cast(s.invoice_date as date) as invoice_date,
    s.customer_id,
    s.product_code,
    -- Drops before 2026-12-03 have no channel column: those sales were all made in store.
    coalesce(s.channel, 'store') as channel,
    cast(s.qty as integer) as quantity,
    cast(s.qty * s.unit_price as decimal(12, 2)) as gross_amount,
    cast(s.qty * s.unit_price * coalesce(d.discount_rate, 0) as decimal(12, 2)) as discount_amount,
    regexp_extract(s.filename, '(\d{4}-\d{2}-\d{2})\.csv$', 1) as drop_date
from {{ source('finance', 'sales') }} as s
left join {{ ref('stg_discounts') }} as d
    on d.product_code = s.product_code
    and cast(s.invoice_date as date) between d.valid_from and d.valid_to
