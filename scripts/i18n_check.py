"""Every user-facing term of the WSV addons has a zh_CN translation.

    python scripts/i18n_check.py -c odoo.conf -d DB [--write] wsv_crm_customer ...

Exports each addon's terms in zh_CN from an installed database (so the translations loaded
from its i18n/zh_CN.po are filled in) and lists every term left untranslated; exits 1 if any.
With --write, also rewrites each addon's i18n/zh_CN.po from the export: new terms appear
there with an empty msgstr, ready to translate.
"""

import argparse
import io
import pathlib
import re
import sys

import polib

import odoo
from odoo.modules.registry import Registry
from odoo.tools.translate import trans_export

CJK = re.compile(r"[\u4e00-\u9fff]")
ADDONS = pathlib.Path(__file__).resolve().parent.parent / "addons"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("modules", nargs="+")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    missing = 0
    with Registry(args.database).cursor() as cr:
        for module in args.modules:
            buffer = io.BytesIO()
            trans_export("zh_CN", [module], buffer, "po", cr)
            po = polib.pofile(buffer.getvalue().decode())
            for entry in po.untranslated_entries():
                if CJK.search(entry.msgid):
                    continue  # written in Chinese already (demo records): Odoo keeps no copy
                missing += 1
                print(f"{module}: no zh_CN translation for {entry.msgid!r}")  # noqa: T201
            if args.write:
                (ADDONS / module / "i18n" / "zh_CN.po").write_bytes(buffer.getvalue())
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
