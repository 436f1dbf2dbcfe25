-- Written as Parquet, one folder per day: ../lake/sales_lines/invoice_date=2026-12-01/….parquet
{{ config(partition_by='invoice_date') }}
select
    invoice_no,
    line_no,
    invoice_date,
    customer_id,
    product_code,
    channel,
    quantity,
    gross_amount,
    discount_amount,
    gross_amount - discount_amount as net_amount
from {{ ref('stg_sales_lines') }}
