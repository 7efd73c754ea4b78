from . import wsv_einvoice_red_wizard
