# res.partner is extended in several files, one per concern. The last one imported runs
# its create/write first: res_partner (credit code) must refuse a true duplicate before
# res_partner_dedup looks for fuzzy ones.
from . import res_partner_dedup
from . import wsv_guard
from . import res_partner
from . import res_partner_pool
from . import res_partner_grade
from . import res_partner_registry
from . import res_partner_guard
from . import crm_lead
from . import wsv_pool_move
from . import wsv_holding_limit
from . import wsv_recycle_rule
from . import wsv_grade_rule
from . import wsv_registry_backend
from . import res_config_settings
from . import base_partner_merge
from . import i18n
from . import base
from . import auditlog
from . import res_users
from . import identity
from . import ir_cron
from . import db_backup
