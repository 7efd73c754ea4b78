from . import (
    product,
    res_partner,
    res_config_settings,
    wsv_einvoice_backend,
    wsv_invoice_application,
    account_move,
    sale_order,
    tier_review,
)
