from . import test_access
from . import test_credit_code
from . import test_dedup
from . import test_grading
from . import test_pool
from . import test_registry
from . import test_smoke
from . import test_web_client
