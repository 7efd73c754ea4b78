from . import test_sap_bridge
from . import test_smoke
