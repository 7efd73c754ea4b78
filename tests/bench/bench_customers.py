"""Customer benchmarks on a database with 100,000 generated customers.

    python tests/bench/bench_customers.py -c odoo.conf -d wsv_bench

Prints each figure with its target and a ratio against a baseline measured in the same run
on the same data. Every change it makes is rolled back at the end.
"""

import random
import statistics
from datetime import timedelta

from common import bench_env, list_load, report, timed

from odoo import fields


def p95(samples):
    return statistics.quantiles(samples, n=20)[-1]


def bench_duplicate_check(env, rng):
    from odoo.addons.wsv_crm_customer.lib.credit_code import complete  # noqa: PLC0415

    names = env["res.partner"].search_read([("is_customer", "=", True)], ["name"], limit=3000)
    Partner = env["res.partner"]
    check, lookup = [], []
    for _ in range(200):
        # a new customer named like an existing one, differently written
        name = rng.choice(names)["name"].split("（")[0].replace("有限公司", "股份有限公司")
        code = complete("91320000" + "".join(rng.choice("0123456789ABCDEFGH") for _ in range(9)))
        seconds, _ = timed(
            Partner._find_duplicates, {"name": name, "credit_code": code, "phone": "025-84001234"}
        )
        check.append(seconds * 1000)
        seconds, _ = timed(Partner.search, [("credit_code", "=", code)])
        lookup.append(seconds * 1000)
    report(
        "duplicate check, one new customer, p95",
        p95(check),
        "ms",
        50,
        "exact credit-code search p95",
        p95(lookup),
    )


def bench_claim_release(env, user):
    Partner = env["res.partner"]
    pool = Partner.sudo().search([("pool_state", "=", "pool")], limit=500)
    assert len(pool) == 500, "the generated data holds fewer than 500 pool customers"
    mine = pool.with_user(user)
    env.flush_all()
    claim, _ = timed(mine.action_pool_claim)
    env.flush_all()
    release, _ = timed(mine.action_pool_release, "基准测试退回")
    env.flush_all()
    plain, _ = timed(lambda: (mine.write({"comment": "基准"}), env.flush_all()))
    report(
        "claim 500 customers in one call",
        claim * 1000,
        "ms",
        1000,
        "plain write of 500",
        plain * 1000,
    )
    report(
        "release 500 customers in one call",
        release * 1000,
        "ms",
        1000,
        "plain write of 500",
        plain * 1000,
    )


def bench_recycle(env):
    Partner = env["res.partner"].sudo()
    owned = Partner.search([("is_customer", "=", True), ("user_id", "!=", False)])
    # a neglected twentieth of the owned customers falls due
    due = owned[::20]
    past = fields.Datetime.now() - timedelta(days=120)
    env.cr.execute(
        "UPDATE res_partner SET create_date = %s, owner_date = %s, last_followup_date = NULL "
        "WHERE id IN %s",
        (past, past, tuple(due.ids)),
    )
    env.invalidate_all()
    env["wsv.recycle.rule"].sudo().search([]).unlink()
    env["wsv.recycle.rule"].sudo().create({"name": "基准", "no_followup_days": 90, "warn_days": 7})
    total = Partner.search_count([("is_customer", "=", True)])
    seconds, recycled = timed(lambda: (Partner._cron_pool_recycle(), env.flush_all())[0])
    # baseline: reading once the columns the job looks at, for every customer
    scan, _ = timed(
        lambda: Partner.search_read(
            [("is_customer", "=", True)], ["user_id", "grade", "last_followup_date", "owner_date"]
        )
    )
    print(f"  auto-recycle over {total} customers: {recycled} recycled")  # noqa: T201
    report("auto-recycle job", seconds, "s", 30, "search_read of all customers", scan)


def bench_my_customers(env, user):
    Partner = env["res.partner"].with_user(user).with_context(lang="zh_CN")
    domain = [("is_customer", "=", True), ("user_id", "=", user.id)]
    results = list_load(
        env, Partner, "wsv_crm_customer.res_partner_view_list_customer", domain, (20, 80)
    )
    env.invalidate_all()
    base, _ = timed(Partner.search_read, domain, ["name"], 0, 80)
    report(
        "我的客户 list, 80 rows, server time",
        results[80][0],
        "ms",
        200,
        "search_read of names",
        base * 1000,
    )


def main():
    rng = random.Random(11)
    with bench_env(__doc__.split("\n")[0]) as env:
        env["ir.config_parameter"].set_param("wsv_crm_customer.pool_daily_claim_limit", 0)
        env["ir.config_parameter"].set_param("wsv_crm_customer.pool_reclaim_lock_days", 0)
        env["wsv.holding.limit"].search([]).unlink()
        user = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "基准销售员",
                    "login": "bench_sales",
                    "groups_id": [(4, env.ref("wsv_crm_customer.group_salesperson").id)],
                }
            )
        )
        # the salesperson holds a realistic book of customers for the list
        env["res.partner"].search([("pool_state", "=", "private")], limit=300).write(
            {"user_id": user.id}
        )
        total = env["res.partner"].search_count([("is_customer", "=", True)])
        print(f"customers in {env.cr.dbname}: {total}")  # noqa: T201
        bench_duplicate_check(env(user=user.id), rng)
        bench_claim_release(env, user)
        bench_my_customers(env, user)
        bench_recycle(env)


if __name__ == "__main__":
    main()
