from . import test_einvoice, test_smoke, test_xss
