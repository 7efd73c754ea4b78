"""Fill a WSV CRM database with large, reproducible volumes for benchmarks.

    python scripts/generate_data.py -c ~/.cache/wsv_crm/odoo-wsv_crm.conf -d wsv_bench \
        --customers 100000 --seed 7

The same seed gives the same records. Customers get valid unified social credit codes, a
region, a phone, and an owner among the database's salespeople (or none: the public pool).
Records are created through the ORM, in batches, without chatter tracking.
"""

import argparse
import random
import time

import odoo
from odoo import api, fields
from odoo.modules.registry import Registry

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
REGIONS = [
    ("320000", "江苏", "南京"),
    ("330000", "浙江", "杭州"),
    ("370000", "山东", "济南"),
    ("440000", "广东", "广州"),
    ("450000", "广西", "南宁"),
    ("530000", "云南", "昆明"),
    ("510000", "四川", "成都"),
    ("420000", "湖北", "武汉"),
    ("410000", "河南", "郑州"),
    ("130000", "河北", "石家庄"),
    ("310000", "上海", "上海"),
    ("110000", "北京", "北京"),
]
WORDS = (
    "华源 恒通 电科 能投 宏达 远景 智联 中泰 新能 电气 "
    "水务 热电 燃气 鑫源 汇能 博远 瑞丰 天成 众和 嘉禾"
).split()
KINDS = ["电力设备", "供电服务", "水务", "热力", "能源服务", "工业园区开发", "电气工程", "燃气"]
FORMS = ["有限公司", "股份有限公司", "有限责任公司", "集团有限公司"]


def customer_values(rng, index, owners):
    from odoo.addons.wsv_crm_customer.lib.credit_code import complete  # noqa: PLC0415

    code6, province, city = rng.choice(REGIONS)
    org = "".join(rng.choice(ALPHABET) for _ in range(8)) + str(index % 10)
    name = f"{province}{rng.choice(WORDS)}{rng.choice(WORDS)}{rng.choice(KINDS)}{rng.choice(FORMS)}"
    return {
        # the index keeps names distinct, as registered names are
        "name": f"{name}（{index:06d}）",
        "is_company": True,
        "is_customer": True,
        "customer_type": rng.choice(["grid", "utility", "industrial", "government"]),
        "grade_computed": rng.choice("ABCDDD"),
        "credit_code": complete("91" + code6 + org),
        "city": city,
        "phone": f"0{rng.randint(10, 999)}-{rng.randint(60000000, 89999999)}",
        "user_id": rng.choice(owners) if owners and rng.random() > 0.3 else False,
    }


def generate_salespeople(env, count, teams=8):
    """``count`` salespeople in ``teams`` sales teams, each team led by a manager."""
    Users = env["res.users"].with_context(no_reset_password=True, tracking_disable=True)
    group = env.ref("wsv_crm_customer.group_salesperson")
    manager_group = env.ref("wsv_crm_customer.group_sales_manager")
    users = Users.create(
        [
            {
                "name": f"销售{i:03d}",
                "login": f"gen_sales_{i:03d}",
                "email": f"gen_sales_{i:03d}@example.com",  # the chatter's sender address
                "groups_id": [(4, group.id)],
            }
            for i in range(count)
        ]
    )
    size = max(1, count // teams)
    for t in range(teams):
        members = users[t * size : (t + 1) * size]
        if not members:
            break
        members[0].groups_id = [(4, manager_group.id)]
        env["crm.team"].create(
            {
                "name": f"销售{t + 1}部",
                "user_id": members[0].id,
                "member_ids": [(6, 0, members.ids)],
            }
        )
    return users.ids


def generate_customers(env, count, rng, owners, batch=2000):
    from odoo.addons.wsv_crm_customer.models.res_partner import TRUSTED  # noqa: PLC0415

    # generated names are alike by design: the duplicate check is what the benchmarks measure
    partners = env["res.partner"].with_context(
        tracking_disable=True, mail_create_nolog=True, wsv_skip_duplicate_check=TRUSTED
    )
    start = time.perf_counter()
    for first in range(0, count, batch):
        vals = [customer_values(rng, i, owners) for i in range(first, min(first + batch, count))]
        partners.create(vals)
        env.cr.commit()  # noqa: B950 - a long load commits per batch, like an import
        env.invalidate_all()
    return time.perf_counter() - start


def generate_contracts(env, count, rng, batch=500, lines=5):
    """``count`` contracts of ``lines`` lines on the generated customers, with milestones;
    a third signed, with their receivable schedules (what receivables grow from)."""
    from odoo.addons.wsv_crm_customer.models.res_partner import TRUSTED  # noqa: PLC0415

    products = env["product.product"].create(
        [
            {
                "name": f"{kind}（生成{i:02d}）",
                "list_price": price,
                "standard_price": round(price * 0.7, 2),
                "floor_price": round(price * 0.85, 2),
            }
            for i, (kind, price) in enumerate(
                [
                    ("单相智能电能表", 168),
                    ("三相智能电能表", 620),
                    ("集中器", 1380),
                    ("采集终端", 2150),
                ]
                * 3
            )
        ]
    )
    customers = env["res.partner"].search([("is_customer", "=", True), ("user_id", "!=", False)])
    Orders = env["sale.order"].with_context(tracking_disable=True, mail_create_nolog=True)
    start = time.perf_counter()
    for first in range(0, count, batch):
        vals = []
        for _ in range(first, min(first + batch, count)):
            customer = rng.choice(customers)
            vals.append(
                {
                    "partner_id": customer.id,
                    "user_id": customer.user_id.id,
                    "contract_type": rng.choice(["single", "single", "framework"]),
                    "warranty_months": rng.choice([12, 24, 36]),
                    "lead_days": rng.choice([30, 45, 60]),
                    "milestone_ids": [
                        (0, 0, {"trigger": "signing", "percent": 30}),
                        (0, 0, {"trigger": "delivery", "percent": 60, "days": 30}),
                        (0, 0, {"trigger": "warranty_end", "percent": 10}),
                    ],
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": rng.choice(products).id,
                                "product_uom_qty": rng.randint(10, 5000),
                            },
                        )
                        for _ in range(lines)
                    ],
                }
            )
        orders = Orders.create(vals)
        signed = orders[::3]
        signed.write({"signing_date": fields.Date.today()})
        signed.with_context(wsv_contract_state=TRUSTED).write({"contract_state": "signed"})
        signed._wsv_generate_schedule()  # their receivable schedules, as signing makes them
        env.cr.commit()  # noqa: B950 - a long load commits per batch, like an import
        env.invalidate_all()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--salespeople", type=int, default=200)
    parser.add_argument("--contracts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    odoo.modules.module.initialize_sys_path()  # our addons, importable as odoo.addons.*
    rng = random.Random(args.seed)
    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "zh_CN"})
        # 0 skips a step (a database made before contracts were generated gets just those)
        if args.salespeople and args.customers:
            owners = generate_salespeople(env, args.salespeople)
            env.cr.commit()
            seconds = generate_customers(env, args.customers, rng, owners)
            print(f"customers: {args.customers} in {seconds:.1f} s")  # noqa: T201
        seconds = generate_contracts(env, args.contracts, rng)
        print(f"contracts: {args.contracts} in {seconds:.1f} s")  # noqa: T201


if __name__ == "__main__":
    main()
