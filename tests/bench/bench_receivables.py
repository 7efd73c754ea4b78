"""Receivable benchmarks: schedules for 10,000 contracts, the daily alert job over 100,000
installments, attainment of 200 salespeople.

    python tests/bench/bench_receivables.py -c odoo.conf -d wsv_bench

Signs the generated contracts, makes installments, targets and collections in the
transaction and rolls everything back at the end.
"""

from datetime import timedelta

from common import bench_env, report, timed

from odoo import fields


def sign_all(env, today):
    """Every generated contract signed on a day of the last three years, half of them
    accepted two months later (so that their warranty retentions have due dates)."""
    env.cr.execute(
        """UPDATE sale_order
              SET state = 'sale', contract_state = 'signed',
                  signing_date = %s::date - (id %% 1000),
                  acceptance_date = CASE WHEN id %% 2 = 0
                                         THEN %s::date - (id %% 1000) + 60 END""",
        [today, today],
    )
    env.invalidate_all()
    return env["sale.order"].search([("contract_state", "=", "signed")])


def bench_schedules(env, orders):
    Installment = env["wsv.receivable.installment"]
    seconds, _ = timed(lambda: (orders._wsv_generate_schedule(), env.flush_all()))
    created = Installment.search([("order_id", "in", orders.ids)])
    # baseline: the same installments created by the ORM with their values given, no logic
    values = created.read(["name", "order_id", "key", "trigger", "amount", "due_date"])
    for row in values:
        row.pop("id")
        row["order_id"] = row["order_id"][0]
        row["key"] = row["key"] + "/b"
    with env.cr.savepoint(flush=False) as savepoint:
        base, _ = timed(lambda: (Installment.create(values), env.flush_all()))
        savepoint.rollback()
    env.invalidate_all()
    report(
        f"schedules for {len(orders)} contracts ({len(created)} inst.)",
        seconds,
        "s",
        60,
        "plain create of the same installments",
        base,
    )
    again, _ = timed(lambda: (orders._wsv_generate_schedule(), env.flush_all()))
    report("regenerating them, nothing changed", again, "s", 60, "first generation", seconds)
    return created


def grow_to(env, count, today):
    """Copies of the schedules' installments with due dates spread over two years, up to
    ``count``, then the state the previous days' jobs leave (statuses as of yesterday,
    their reminders, confirmations and escalations sent)."""
    env.flush_all()
    env.cr.execute("SELECT count(*) FROM wsv_receivable_installment")
    have = env.cr.fetchone()[0]
    copies = -(-(count - have) // have)
    env.cr.execute(
        """INSERT INTO wsv_receivable_installment
                  (name, order_id, partner_id, user_id, team_id, company_id, currency_id, key,
                   trigger, is_retention, amount, due_date, void, amount_collected,
                   amount_confirmed, amount_open, status, create_uid, write_uid, create_date,
                   write_date)
           SELECT name || '/c' || g, order_id, partner_id, user_id, team_id, company_id,
                  currency_id, key || '/c' || g, trigger, is_retention, amount,
                  %s::date - 700 + ((id::bigint * 7919 + g * 104729) %% 760)::int,
                  false, 0, 0, amount,
                  'not_due', 1, 1, now(), now()
             FROM wsv_receivable_installment, generate_series(1, %s) g
            LIMIT %s""",
        [today, copies, count - have],
    )
    env.cr.execute("SELECT count(*) FROM wsv_receivable_installment")
    total = env.cr.fetchone()[0]
    yesterday = today - timedelta(days=1)
    Installment = env["wsv.receivable.installment"]
    Installment._refresh_statuses(yesterday)
    env.cr.execute(
        """UPDATE wsv_receivable_installment
              SET confirmation_requested = due_date <= %s,
                  reminded_on = CASE WHEN due_date <= %s THEN %s::date END,
                  escalated_on = CASE WHEN due_date <= %s THEN %s::date END""",
        [
            yesterday,
            yesterday + timedelta(days=7),
            yesterday,
            yesterday - timedelta(days=30),
            yesterday,
        ],
    )
    env.invalidate_all()
    return total


def bench_alerts(env, today):
    Installment = env["wsv.receivable.installment"]
    total = grow_to(env, 100_000, today)
    env.cr.execute("SELECT count(*) FROM mail_activity")
    before = env.cr.fetchone()[0]
    seconds, _ = timed(lambda: (Installment._cron_alerts(today=today), env.flush_all()))
    env.cr.execute("SELECT count(*) FROM mail_activity")
    made = env.cr.fetchone()[0] - before
    env.invalidate_all()
    base, _ = timed(
        Installment.search_read, [], ["amount", "amount_collected", "due_date", "status"]
    )
    report(
        f"alert job over {total} installments ({made} activities)",
        seconds,
        "s",
        10,
        "reading them all once",
        base,
    )


def bench_attainment(env, today):
    Target = env["wsv.sales.target"]
    salespeople = env["res.users"].search(
        [
            ("groups_id", "in", env.ref("wsv_crm_customer.group_salesperson").id),
            ("share", "=", False),
        ],
        limit=200,
    )
    # collections booked over the year on a fifth of the installments
    env.cr.execute(
        """INSERT INTO wsv_collection
                  (installment_id, order_id, partner_id, user_id, team_id, company_id,
                   currency_id, amount, date, state, create_uid, write_uid, create_date,
                   write_date)
           SELECT id, order_id, partner_id, user_id, team_id, company_id, currency_id,
                  amount / 2, %s::date - (id %% 300), 'booked', 1, 1, now(), now()
             FROM wsv_receivable_installment WHERE id %% 5 = 0""",
        [today],
    )
    targets = Target.create(
        [
            {"year": today.year, "user_id": user.id, "target_signed": 5e6, "target_collected": 3e6}
            for user in salespeople
        ]
    )
    env.flush_all()
    fields_ = ["attainment_signed", "attainment_collected", "rank_signed", "rank_collected"]
    env.invalidate_all()
    seconds, _ = timed(targets.read, fields_)
    env.invalidate_all()
    base, _ = timed(
        env["sale.order"]._read_group,
        [("contract_state", "=", "signed"), ("signing_date", ">=", f"{today.year}-01-01")],
        ["user_id"],
        ["amount_total:sum"],
    )
    report(
        f"attainment and rank of {len(targets)} salespeople",
        seconds * 1000,
        "ms",
        1000,
        "one grouped sum of signings",
        base * 1000,
    )


def main():
    with bench_env(__doc__.split("\n")[0]) as env:
        env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
        today = fields.Date.today()
        orders = sign_all(env, today)
        bench_schedules(env, orders)
        bench_alerts(env, today)
        bench_attainment(env, today)


if __name__ == "__main__":
    main()
