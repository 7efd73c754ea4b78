"""Collections over XML-RPC against the live server: two users confirming money on the same
installment at the same moment never count it twice."""

import datetime
import threading
import xmlrpc.client

import pytest
from conftest import WebSession, password, signed_contract


def make_customer(admin, people, owner="it_sales_a1"):
    stamp = datetime.datetime.now().strftime("%H%M%S%f")
    return admin(
        "res.partner",
        "create",
        [
            {
                "name": f"并发回款测试客户{stamp}",
                "is_company": True,
                "is_customer": True,
                "user_id": people["ids"][owner],
                "duplicate_reason": "集成测试",
            }
        ],
    )


def advance_of(admin, contract):
    found = admin(
        "wsv.receivable.installment",
        "search_read",
        [[("order_id", "=", contract), ("trigger", "=", "signing")]],
        {"fields": ["amount", "amount_open", "partner_id"]},
    )
    assert len(found) == 1 and found[0]["amount_open"] > 0
    return found[0]


@pytest.fixture
def installment(admin, people):
    """A signed contract of it_sales_a1 and its advance installment (30 %)."""
    customer = make_customer(admin, people)
    return advance_of(admin, signed_contract(admin, people["it_sales_a1"], customer))


def test_two_users_confirming_at_once_count_once(people, installment):
    barrier = threading.Barrier(2)
    outcomes = {}

    def confirm(login):
        barrier.wait()
        try:
            outcomes[login] = people[login](
                "wsv.collection",
                "create",
                [{"installment_id": installment["id"], "amount": installment["amount"]}],
            )
        except xmlrpc.client.Fault as fault:
            outcomes[login] = fault.faultString

    threads = [
        threading.Thread(target=confirm, args=(login,)) for login in ("it_sales_a1", "it_director")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    created = [v for v in outcomes.values() if isinstance(v, int)]
    refused = [v for v in outcomes.values() if isinstance(v, str)]
    assert len(created) == 1, outcomes
    assert len(refused) == 1 and "still open" in refused[0], outcomes
    after = people["it_director"](
        "wsv.receivable.installment",
        "read",
        [[installment["id"]], ["amount_confirmed", "amount_open"]],
    )[0]
    assert after["amount_confirmed"] == installment["amount"]
    assert after["amount_open"] == 0


def test_over_the_open_amount_is_refused(people, installment):
    with pytest.raises(xmlrpc.client.Fault, match="Amount"):
        people["it_sales_a1"](
            "wsv.collection",
            "create",
            [{"installment_id": installment["id"], "amount": installment["amount"] + 1}],
        )
    after = people["it_sales_a1"](
        "wsv.receivable.installment", "read", [[installment["id"]], ["amount_confirmed"]]
    )[0]
    assert after["amount_confirmed"] == 0


def test_two_finance_users_booking_one_payment_never_exceed_it(admin, people, server):
    """Two bookings against one payment at the same instant, on two installments: together
    they would be twice the payment, so exactly one goes through. (Without the payment row
    update in account.payment._lock_wsv both went through: each transaction read the payment's
    collections from its own snapshot.)"""
    customer = make_customer(admin, people)
    seller = people["it_sales_a1"]
    first = advance_of(admin, signed_contract(admin, seller, customer))
    second = advance_of(admin, signed_contract(admin, seller, customer))
    finance = {
        "mali": WebSession(server, "mali", "mali"),
        "it_finance": WebSession(server, "it_finance", password("it_finance")),
    }
    amount = first["amount"]
    payment = finance["mali"](
        "account.payment",
        "create",
        [
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": customer,
                "amount": amount,
            }
        ],
    )
    finance["mali"]("account.payment", "action_post", [[payment]])
    assert admin("account.payment", "read", [[payment], ["state"]])[0]["state"] != "draft"
    barrier = threading.Barrier(2)
    outcomes = {}

    def book(login, installment_id):
        barrier.wait()
        try:
            outcomes[login] = finance[login](
                "wsv.collection",
                "create",
                [{"installment_id": installment_id, "amount": amount, "payment_id": payment}],
            )
        except RuntimeError as error:
            outcomes[login] = str(error)

    threads = [
        threading.Thread(target=book, args=("mali", first["id"])),
        threading.Thread(target=book, args=("it_finance", second["id"])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    created = [v for v in outcomes.values() if isinstance(v, int)]
    refused = [v for v in outcomes.values() if isinstance(v, str)]
    assert len(created) == 1, outcomes
    assert len(refused) == 1 and "more than the payment" in refused[0], outcomes
    allocated = admin("account.payment", "read", [[payment], ["wsv_allocated"]])[0]
    assert allocated["wsv_allocated"] == amount
