"""Make the WSV addons importable as odoo.addons.<name> for plain pytest.

The rule modules (addons/*/lib) use no ORM and need no database; importing them through
their addon only defines the addon's model classes.
"""

import pathlib

try:
    import odoo

    import odoo.addons
except ImportError as exc:  # pragma: no cover - the test command checks Odoo first
    raise SystemExit("Odoo is not importable: run the tests through scripts/test.sh") from exc

ADDONS = pathlib.Path(__file__).resolve().parent.parent / "addons"
# Odoo's own addons too: the OCA addons ours import (queue_job) import some of them
ODOO_ADDONS = pathlib.Path(odoo.__file__).resolve().parents[1] / "addons"
for path in (ADDONS, ODOO_ADDONS):
    if path.is_dir() and str(path) not in odoo.addons.__path__:
        odoo.addons.__path__.append(str(path))
