from . import product_template
from . import wsv_contract_document
from . import wsv_contract_milestone
from . import wsv_contract_template
from . import wsv_review_rule
from . import wsv_requirement
from . import sale_order
from . import res_partner
