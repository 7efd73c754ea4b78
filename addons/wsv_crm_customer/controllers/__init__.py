from . import call_check
