"""What the audit trail costs: the main lists and the review of contracts, with the audit
rules on and off in the same run (the rules unsubscribed, then subscribed again), by turns.

    python tests/bench/bench_audit.py -c odoo.conf -d wsv_bench

Target: at most 15 % more time with the audit on. Rolled back at the end.
"""

import random
import statistics

from bench_contracts import make_contracts, salesperson
from bench_lists import LISTS
from common import bench_env, list_load, timed

TARGET = 1.15
ROUNDS = 3


def lists(env):
    """Server time of a page of 80 of each main list, as its user, summed."""
    total = 0.0
    for _title, login, model, view, domain, sizes in LISTS:
        user = env["res.users"].search([("login", "=", login)])
        if not user:
            continue
        records = env[model].with_user(user).with_context(lang="zh_CN")
        if domain == "mine":
            domain = [("user_id", "=", user.id), ("is_customer", "=", True)]
        total += list_load(records.env, records, view, domain, (min(sizes),), runs=3)[min(sizes)][0]
    return total


def review(orders):
    def run():
        orders._run_review()
        orders.env.flush_all()

    orders.env.invalidate_all()
    return timed(run)[0] * 1000


def main():
    with bench_env(__doc__.splitlines()[0]) as env:
        env = env(context=dict(env.context, tracking_disable=True))
        rules = env["auditlog.rule"].search([("state", "=", "subscribed")])
        print(f"audit rules subscribed: {len(rules)}")  # noqa: T201
        user = salesperson(env)
        orders = make_contracts(env, 200, 20, random.Random(5), user).with_user(user)
        figures = {True: {"lists": [], "review": []}, False: {"lists": [], "review": []}}
        for _ in range(ROUNDS):
            for audited in (False, True):
                if audited:
                    rules._wsv_subscribe()
                else:
                    rules.unsubscribe()
                figures[audited]["lists"].append(lists(env))
                figures[audited]["review"].append(review(orders))
        logs = env["auditlog.log"].search_count([])
        print(f"audit log rows at the end (rolled back): {logs}")  # noqa: T201
        worst = 0.0
        for name, title in (
            ("lists", "main lists, a page of each"),
            ("review", "review of 200 x 20"),
        ):
            off = statistics.median(figures[False][name])
            on = statistics.median(figures[True][name])
            ratio = on / off
            worst = max(worst, ratio)
            print(  # noqa: T201
                f"{title:<32} audit on {on:8.1f} ms, off {off:8.1f} ms: "
                f"overhead {100 * (ratio - 1):+.1f} % (target < {100 * (TARGET - 1):.0f} %: "
                f"{'ok' if ratio < TARGET else 'OVER TARGET'})"
            )
    raise SystemExit(0 if worst < TARGET else 1)


if __name__ == "__main__":
    main()
