from . import test_contract
from . import test_requirement
from . import test_smoke
from . import test_guard
from . import test_contract_or_quotation
