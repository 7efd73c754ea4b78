"""Create an Odoo database the way the database manager does, in Chinese and for China.

Usage: python scripts/odoo_db.py -c odoo.conf NAME [--no-demo]

`odoo-bin -i` would create a database with an English, country-less company; this goes
through Odoo's own database service so the company is in China (CNY, Chinese chart of
accounts when `account` is installed) and zh_CN is loaded from the start.
"""

import argparse
import sys

import odoo
from odoo.service import db


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("name")
    parser.add_argument("--no-demo", action="store_true")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    # the database service refuses to work when the server hides its database list
    odoo.tools.config["list_db"] = True
    if db.exp_db_exist(args.name):
        sys.exit(f"database {args.name} exists already")
    db.exp_create_database(args.name, not args.no_demo, "zh_CN", "admin", "admin", "CN")


if __name__ == "__main__":
    main()
