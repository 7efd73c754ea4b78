"""Users and settings the load benchmark needs on the generated database (run once per run,
idempotent): every generated user's password, a few finance users and a sales director, and
pool limits that let 200 salespeople claim and release all day.

    python tests/load/prepare.py -c odoo-bench.conf -d wsv_bench

Prints the users by role as JSON for the load runner. The generated salespeople hold about
350 customers each, over the default holding limit (200): the limit is raised for the bench,
so that a claim measures the claim, not a refusal.
"""

import argparse
import json

import odoo
from odoo import api
from odoo.modules.registry import Registry

PASSWORD = "wsv-load-bench"  # noqa: S105 - the generated bench users', on a bench database
FINANCE, DIRECTORS = 4, 2


def ensure_users(env, prefix, count, group):
    Users = env["res.users"].with_context(no_reset_password=True, tracking_disable=True)
    group = env.ref(group)
    for i in range(1, count + 1):
        login = f"{prefix}_{i}"
        if not Users.search([("login", "=", login)]):
            Users.create(
                {
                    "name": login,
                    "login": login,
                    "email": f"{login}@example.com",
                    "groups_id": [(4, group.id)],
                }
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        ensure_users(env, "gen_finance", FINANCE, "wsv_crm_customer.group_finance")
        ensure_users(env, "gen_director", DIRECTORS, "wsv_crm_customer.group_sales_director")
        # one hash for all (Odoo's own crypt context, its rounds): each login still verifies it
        hashed = env["res.users"]._crypt_context().hash(PASSWORD)
        cr.execute("UPDATE res_users SET password = %s WHERE login LIKE 'gen\\_%%'", [hashed])
        # Odoo posts chatter (an assignment's note to the new owner) only from a sender with
        # an e-mail address; databases generated before the generator gave one get it here
        for user in env["res.users"].search([("login", "like", "gen_"), ("email", "=", False)]):
            user.email = f"{user.login}@example.com"
        params = env["ir.config_parameter"]
        params.set_param("wsv_crm_customer.pool_daily_claim_limit", 0)
        params.set_param("wsv_crm_customer.pool_reclaim_lock_days", 0)
        env["wsv.holding.limit"].search([]).write({"max_customers": 100000})
        users = env["res.users"].search([("login", "like", "gen_")])
        manager = env.ref("wsv_crm_customer.group_sales_manager")
        roles = {"salesperson": [], "manager": [], "finance": [], "director": []}
        for user in users.sorted("login"):
            if user.login.startswith("gen_finance"):
                roles["finance"].append(user.login)
            elif user.login.startswith("gen_director"):
                roles["director"].append(user.login)
            elif manager in user.groups_id:
                roles["manager"].append(user.login)
            else:
                roles["salesperson"].append(user.login)
        roles["password"] = PASSWORD
    print(json.dumps(roles))  # noqa: T201


if __name__ == "__main__":
    main()
