"""Provision an API key for an integration user, as an administrator on the server.

Usage: python scripts/api_key.py -c odoo.conf -d DB --login lintao --name "SAP PI" [--days 90]

Prints the key once (Odoo keeps only its hash). The key is scoped to RPC: it replaces the
password in XML-RPC/JSON-RPC calls and opens no web session; it gives exactly the user's own
rights. `--days 0` makes a key without an expiry date (Odoo allows that only to
administrators, which this script runs as). Revoke it in the web client (the user's form →
账户安全 → API 密钥) or by deleting its `res.users.apikeys` row.
"""

import argparse
import datetime
import sys

import odoo
from odoo import api
from odoo.modules.registry import Registry


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--login", required=True, help="the integration user's login")
    parser.add_argument("--name", required=True, help="what the key is for (shown to the user)")
    parser.add_argument("--days", type=int, default=90, help="validity in days; 0: no expiry")
    args = parser.parse_args()
    if args.days < 0:
        sys.exit("--days: give a number of days, 0 for a key without expiry")
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        user = env["res.users"].search([("login", "=", args.login)])
        if not user or user.share:
            sys.exit(f"--login: {args.login!r} is not an internal user of {args.database}")
        expires = args.days and datetime.datetime.now() + datetime.timedelta(days=args.days)
        # generated as the user (the key is theirs), with the administrator's right to a
        # longer or open-ended validity (Odoo's own rule for sudo)
        keys = env["res.users.apikeys"].with_user(user).sudo()
        key = keys._generate("rpc", args.name, expires or None)
    print(key)


if __name__ == "__main__":
    main()
