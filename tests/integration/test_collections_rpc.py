"""Collections over XML-RPC against the live server: two users confirming money on the same
installment at the same moment never count it twice."""

import datetime
import threading
import xmlrpc.client

import pytest


@pytest.fixture
def installment(admin, people):
    """A signed contract of it_sales_a1 and its advance installment (30 %)."""
    ref = lambda xmlid: admin(  # noqa: E731
        "ir.model.data", "check_object_reference", xmlid.split(".")
    )[1]
    # the demo meter is a product template; an order line takes its variant
    meter = admin(
        "product.product",
        "search",
        [[("product_tmpl_id", "=", ref("wsv_contract.product_meter_1p_demo"))]],
    )[0]
    stamp = datetime.datetime.now().strftime("%H%M%S%f")
    customer = admin(
        "res.partner",
        "create",
        [
            {
                "name": f"并发回款测试客户{stamp}",
                "is_company": True,
                "is_customer": True,
                "user_id": people["ids"]["it_sales_a1"],
                "duplicate_reason": "集成测试",
            }
        ],
    )
    contract = admin(
        "sale.order",
        "create",
        [
            {
                "partner_id": customer,
                "user_id": people["ids"]["it_sales_a1"],
                "template_id": ref("wsv_contract.contract_template_meters_demo"),
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": meter,
                            "product_uom_qty": 100,
                        },
                    )
                ],
            }
        ],
    )
    # signed as the review and signing steps leave it (covered by wsv_contract's tests)
    admin(
        "sale.order",
        "write",
        [
            [contract],
            {
                "state": "sale",
                "contract_state": "signed",
                "signing_date": datetime.date.today().isoformat(),
            },
        ],
    )
    admin("sale.order", "action_wsv_generate_schedule", [[contract]])
    found = admin(
        "wsv.receivable.installment",
        "search_read",
        [[("order_id", "=", contract), ("trigger", "=", "signing")]],
        {"fields": ["amount", "amount_open"]},
    )
    assert len(found) == 1 and found[0]["amount_open"] > 0
    return found[0]


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
