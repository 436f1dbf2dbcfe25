select
    "Customer ID" as customer_id,
    trim("Customer Name") as customer_name,
    upper("Country") as country_code,
    {{ parse_yyyymmdd('"Created On"') }} as created_on
from {{ ref('raw_customers') }}
