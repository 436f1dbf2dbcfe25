{{ config(materialized='incremental', unique_key='invoice_id', incremental_strategy='merge', on_schema_change='append_new_columns') }}

-- Invoice lines with their product group; later runs only merge invoices newer than the table's.
select invoice_id, invoice_date, product_group, country_code, quantity, net_amount, discount_rate
from {{ ref('sales_enriched') }}
{% if is_incremental() %}
where invoice_date > (select max(invoice_date) from {{ this }})
{% endif %}
