from . import test_credit_code
from . import test_smoke
from . import test_web_client
