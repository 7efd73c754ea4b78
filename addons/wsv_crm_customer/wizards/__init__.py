from . import wsv_pool_wizard
