from . import mapping
from . import wsv_sap_backend
from . import wsv_sap_sending
from . import sale_order
