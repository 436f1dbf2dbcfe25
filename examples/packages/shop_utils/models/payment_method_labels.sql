{# A lookup every shop project can ref: ref('shop_utils', 'payment_method_labels'). #}
{% set labels = {'credit_card': 'Credit card', 'coupon': 'Coupon', 'bank_transfer': 'Bank transfer', 'gift_card': 'Gift card'} %}
{% for method, label in labels.items() %}
select '{{ method }}' as payment_method, '{{ label }}' as label{% if not loop.last %} union all{% endif %}
{% endfor %}
