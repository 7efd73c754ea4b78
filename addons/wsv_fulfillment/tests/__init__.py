from . import test_smoke
from . import test_delivery
from . import test_receivables
from . import test_targets
from . import test_xss
