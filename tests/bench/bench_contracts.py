"""Contract benchmarks: the review of 500 contracts of 20 lines with every rule type active,
and a 1,000-row contract list.

    python tests/bench/bench_contracts.py -c odoo.conf -d wsv_bench

Makes its contracts in the transaction and rolls everything back at the end.
"""

import random
import statistics

from common import bench_env, list_load, report, timed


def make_contracts(env, count, lines, rng, user):
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
    # the salesperson's own customers and the pool's: what he may put on a contract
    customers = env["res.partner"].search(
        [("is_customer", "=", True), ("user_id", "in", (user.id, False))], limit=count
    )
    milestones = [
        (0, 0, {"trigger": "signing", "percent": 30}),
        (0, 0, {"trigger": "delivery", "percent": 60, "days": 30}),
        (0, 0, {"trigger": "warranty_end", "percent": 10}),
    ]
    orders = (
        env["sale.order"]
        .with_user(user)
        .create(
            [
                {
                    "partner_id": customers[i % len(customers)].id,
                    "user_id": user.id,
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
    )
    env.flush_all()
    return orders


def salesperson(env):
    """A generated salesperson (no manager): the user whose screens the figures are."""
    return env["res.users"].search(
        [
            ("groups_id", "in", env.ref("wsv_crm_customer.group_salesperson").id),
            ("groups_id", "not in", env.ref("wsv_crm_customer.group_sales_manager").id),
            ("share", "=", False),
        ],
        order="id",
        limit=1,
    )


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
    # as the salesperson who submits them: his record rules are in the figure
    user = salesperson(env)
    orders = make_contracts(env, 500, 20, rng, user).with_user(user)
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
    user = salesperson(env)
    make_contracts(env, 1000, 2, random.Random(3), user)
    # his contract list, as he loads it (Odoo's own-documents rule applies)
    Order = env["sale.order"].with_user(user).with_context(lang="zh_CN")
    results = list_load(env, Order, "wsv_contract.sale_order_view_list_contract", [], (100, 1000))
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


def main():
    with bench_env(__doc__.split("\n")[0]) as env:
        env = env(context=dict(env.context, tracking_disable=True))
        bench_review(env, random.Random(5))
        bench_list(env)


if __name__ == "__main__":
    main()
