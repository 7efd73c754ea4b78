from . import wsv_receivable_installment
from . import wsv_collection
from . import wsv_delivery_request
from . import sale_order
from . import account_payment
from . import wsv_sales_target
from . import res_config_settings
from . import res_partner
