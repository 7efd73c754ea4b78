"""Contract benchmarks: the review of 500 contracts of 20 lines with every rule type active,
and a 1,000-row contract list.

    python tests/bench/bench_contracts.py -c odoo.conf -d wsv_bench

Makes its contracts in the transaction and rolls everything back at the end.
"""

import argparse
import random
import statistics
import time

import odoo
from odoo import api
from odoo.modules.registry import Registry


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def report(name, value, unit, target, baseline_name, baseline):
    ok = "ok" if value < target else "OVER TARGET"
    print(  # noqa: T201
        f"{name:<44} {value:9.1f} {unit:<3} (target < {target:g} {unit}: {ok}); "
        f"{baseline_name} {baseline:.1f} {unit}, ratio {value / baseline:.1f}x"
    )


def make_contracts(env, count, lines, rng):
    products = env["product.product"].create(
        [
            {
                "name": f"基准电能表{i}",
                "list_price": 200 + i,
                "standard_price": 120,
                "floor_price": 180,
            }
            for i in range(20)
        ]
    )
    customers = env["res.partner"].search([("is_customer", "=", True)], limit=count)
    milestones = [
        (0, 0, {"trigger": "signing", "percent": 30}),
        (0, 0, {"trigger": "delivery", "percent": 60, "days": 30}),
        (0, 0, {"trigger": "warranty_end", "percent": 10}),
    ]
    orders = env["sale.order"].create(
        [
            {
                "partner_id": customers[i % len(customers)].id,
                "warranty_months": rng.choice([12, 24, 36]),
                "lead_days": rng.choice([15, 30, 60]),
                "milestone_ids": milestones,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": products[j % 20].id,
                            "product_uom_qty": rng.randint(10, 5000),
                            "price_unit": rng.choice([170, 190, 210, 230]),
                            "discount": rng.choice([0, 0, 5, 15]),
                        },
                    )
                    for j in range(lines)
                ],
            }
            for i in range(count)
        ]
    )
    env.flush_all()
    return orders


def bench_review(env, rng):
    Rule = env["wsv.review.rule"]
    group = env.ref("wsv_crm_customer.group_contract_reviewer").id
    # every rule type active, the data's seven plus documents and a free domain rule
    Rule.create({"name": "档案", "rule_type": "documents", "reviewer_group_id": group})
    Rule.create(
        {
            "name": "大额合同",
            "rule_type": "domain",
            "reviewer_group_id": group,
            "domain": "[('amount_total', '>', 5000000)]",
        }
    )
    active = set(Rule.search([]).mapped("rule_type"))
    orders = make_contracts(env, 500, 20, rng)
    env.invalidate_all()
    seconds, _ = timed(lambda: (orders._run_review(), env.flush_all()))
    env.invalidate_all()
    base, _ = timed(
        lambda: orders.order_line.read(["product_id", "product_uom_qty", "price_unit", "discount"])
    )
    print(f"  rule types active: {len(active)} ({', '.join(sorted(active))})")  # noqa: T201
    verdicts = statistics.multimode(orders.mapped("review_verdict"))
    print(f"  most common verdict: {verdicts}")  # noqa: T201
    report(
        "review of 500 contracts x 20 lines",
        seconds * 1000,
        "ms",
        1500,
        "read of their lines",
        base * 1000,
    )


def bench_list(env):
    make_contracts(env, 1000, 2, random.Random(3))
    view = env.ref("wsv_contract.sale_order_view_list_contract")
    Order = env["sale.order"].with_context(lang="zh_CN")
    fields_ = Order.get_views([(view.id, "list")])["models"]["sale.order"]["fields"]
    spec = {
        name: {"fields": {"display_name": {}}} if Order._fields[name].type == "many2one" else {}
        for name in fields_
    }
    Order.web_search_read([], spec, limit=1000)
    results = {}
    for limit in (100, 1000):
        times, counts = [], []
        for _ in range(5):
            env.invalidate_all()
            before = env.cr.sql_log_count
            seconds, _ = timed(Order.web_search_read, [], spec, 0, limit)
            times.append(seconds * 1000)
            counts.append(env.cr.sql_log_count - before)
        results[limit] = (statistics.median(times), max(counts))
    env.invalidate_all()
    base, _ = timed(Order.search_read, [], ["name"], 0, 1000)
    report(
        "contract list, 1,000 rows, server time",
        results[1000][0],
        "ms",
        300,
        "search_read of names",
        base * 1000,
    )
    print(  # noqa: T201
        f"  queries: {results[100][1]} for 100 rows, {results[1000][1]} for 1000 rows "
        f"({'constant' if results[100][1] == results[1000][1] else 'GROWS WITH ROWS'})"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    odoo.modules.module.initialize_sys_path()
    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "zh_CN", "tracking_disable": True})
        bench_review(env, random.Random(5))
        bench_list(env)
        cr.rollback()


if __name__ == "__main__":
    main()
