"""The main lists on the generated volume: queries and server time of one page, small and
large, as the web client asks it (the list view's fields) — the query count must not grow
with the rows.

    python tests/bench/bench_lists.py -c odoo.conf -d wsv_bench

Read as a salesperson, a manager or finance (record rules included). Nothing is written.
"""

from common import bench_env, list_load

LISTS = [
    # (title, reader's login, model, list view, domain, page sizes)
    (
        "我的客户",
        "gen_sales_001",
        "res.partner",
        "wsv_crm_customer.res_partner_view_list_customer",
        "mine",
        (80, 1000),
    ),
    (
        "公海客户",
        "gen_sales_001",
        "res.partner",
        "wsv_crm_customer.res_partner_view_list_customer",
        [("pool_state", "=", "pool"), ("is_customer", "=", True)],
        (80, 1000),
    ),
    (
        "合同",
        "gen_sales_000",
        "sale.order",
        "wsv_contract.sale_order_view_list_contract",
        [("is_contract", "=", True)],
        (80, 1000),
    ),
    (
        "回款计划",
        "gen_finance_1",
        "wsv.receivable.installment",
        "wsv_fulfillment.wsv_receivable_installment_view_list",
        [],
        (80, 1000),
    ),
    (
        "回款",
        "gen_finance_1",
        "wsv.collection",
        "wsv_fulfillment.wsv_collection_view_list",
        [],
        (20, 80),
    ),
    (
        "业绩目标",
        "gen_sales_000",
        "wsv.sales.target",
        "wsv_fulfillment.wsv_sales_target_view_list",
        [],
        (10, 80),
    ),
]


def main():
    with bench_env(__doc__.splitlines()[0]) as env:
        grows = 0
        for title, login, model, view, domain, sizes in LISTS:
            user = env["res.users"].search([("login", "=", login)])
            if not user:
                print(f"{title}: no user {login} (run ./scripts/bench.sh load once)")  # noqa: T201
                continue
            records = env[model].with_user(user).with_context(lang="zh_CN")
            if domain == "mine":
                domain = [("user_id", "=", user.id), ("is_customer", "=", True)]
            print(f"{title} as {login}:")  # noqa: T201
            results = list_load(records.env, records, view, domain, sizes)
            small, large = (results[s] for s in sizes)
            print(  # noqa: T201
                f"  server time {small[0]:.0f} ms for {sizes[0]} rows, "
                f"{large[0]:.0f} ms for {sizes[1]} rows"
            )
            grows += large[1] > small[1]
        print(f"lists whose query count grows with the rows: {grows}")  # noqa: T201
    raise SystemExit(1 if grows else 0)


if __name__ == "__main__":
    main()
