"""Customer benchmarks on a database with 100,000 generated customers.

    python tests/bench/bench_customers.py -c odoo.conf -d wsv_bench

Prints each figure with its target and a ratio against a baseline measured in the same run
on the same data. Every change it makes is rolled back at the end.
"""

import argparse
import random
import statistics
import time
from datetime import timedelta

import odoo
from odoo import api, fields
from odoo.modules.registry import Registry


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def p95(samples):
    return statistics.quantiles(samples, n=20)[-1]


def report(name, value, unit, target, baseline_name, baseline):
    ok = "ok" if value < target else "OVER TARGET"
    print(  # noqa: T201
        f"{name:<44} {value:9.1f} {unit:<3} (target < {target:g} {unit}: {ok}); "
        f"{baseline_name} {baseline:.1f} {unit}, ratio {value / baseline:.1f}x"
    )


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
    view = env.ref("wsv_crm_customer.res_partner_view_list_customer")
    Partner = env["res.partner"].with_user(user).with_context(lang="zh_CN")
    spec = {
        name: {"fields": {"display_name": {}}} if Partner._fields[name].type == "many2one" else {}
        for name in Partner.get_views([(view.id, "list")])["models"]["res.partner"]["fields"]
    }
    domain = [("is_customer", "=", True), ("user_id", "=", user.id)]
    env.invalidate_all()
    Partner.web_search_read(domain, spec, limit=80)  # warm the caches as a second page load would
    results = {}
    for limit in (20, 80):
        times, counts = [], []
        for _ in range(10):
            env.invalidate_all()
            before = env.cr.sql_log_count
            seconds, _ = timed(Partner.web_search_read, domain, spec, 0, limit)
            times.append(seconds * 1000)
            counts.append(env.cr.sql_log_count - before)
        results[limit] = (statistics.median(times), max(counts))
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
    print(  # noqa: T201
        f"  queries: {results[20][1]} for 20 rows, {results[80][1]} for 80 rows "
        f"({'constant' if results[20][1] == results[80][1] else 'GROWS WITH ROWS'})"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    odoo.modules.module.initialize_sys_path()  # our addons, importable as odoo.addons.*
    rng = random.Random(11)
    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "zh_CN", "tracking_disable": False})
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
        print(f"customers in {args.database}: {total}")  # noqa: T201
        bench_duplicate_check(env(user=user.id), rng)
        bench_claim_release(env, user)
        bench_my_customers(env, user)
        bench_recycle(env)
        cr.rollback()


if __name__ == "__main__":
    main()
