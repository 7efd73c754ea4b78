"""Customers over XML-RPC as each role, against the live server: visibility, the public
pool under concurrent claims, duplicate check and registry enrichment (simulator)."""

import threading
import xmlrpc.client

import pytest

NAME = "集成测试客户{}号智能表计有限公司"


@pytest.fixture
def customers(admin, people):
    """Owned by a1, a2, b1, and one in the pool; archived after the test."""
    ids = people["ids"]
    made = {}
    for key, owner in [
        ("a1", "it_sales_a1"),
        ("a2", "it_sales_a2"),
        ("b1", "it_sales_b1"),
        ("pool", None),
    ]:
        made[key] = admin(
            "res.partner",
            "create",
            [
                {
                    "name": NAME.format(key),
                    "is_company": True,
                    "is_customer": True,
                    "user_id": ids[owner] if owner else False,
                    "duplicate_reason": "集成测试",
                }
            ],
        )
    yield made
    admin("res.partner", "write", [list(made.values()), {"active": False}])


def visible(rpc, customers):
    return set(rpc("res.partner", "search", [[("id", "in", list(customers.values()))]]))


def test_visibility_per_role(people, customers):
    c = customers
    assert visible(people["it_sales_a1"], c) == {c["a1"], c["pool"]}
    assert visible(people["it_manager_a"], c) == {c["a1"], c["a2"], c["pool"]}
    assert visible(people["it_manager_b"], c) == {c["b1"], c["pool"]}
    assert visible(people["it_director"], c) == set(c.values())
    assert visible(people["it_finance"], c) == set(c.values())
    with pytest.raises(xmlrpc.client.Fault):
        people["it_sales_a1"]("res.partner", "read", [[c["a2"]], ["name"]])


def test_claim_and_release(people, customers):
    sales = people["it_sales_a1"]
    pool = customers["pool"]
    assert sales("res.partner", "action_pool_claim", [[pool]]) is True
    assert sales("res.partner", "read", [[pool], ["pool_state"]])[0]["pool_state"] == "private"
    with pytest.raises(xmlrpc.client.Fault, match="reason"):
        sales("res.partner", "action_pool_release", [[pool], ""])
    assert sales("res.partner", "action_pool_release", [[pool], "客户需求取消"]) is True
    assert sales("res.partner", "read", [[pool], ["pool_state"]])[0]["pool_state"] == "pool"


def test_two_salespeople_claim_the_same_customer_at_once(people, customers):
    pool = customers["pool"]
    contenders = [people["it_sales_a2"], people["it_sales_b1"]]
    barrier = threading.Barrier(len(contenders))
    outcomes = [None] * len(contenders)

    def claim(index, rpc):
        barrier.wait()
        try:
            outcomes[index] = rpc("res.partner", "action_pool_claim", [[pool]])
        except xmlrpc.client.Fault as fault:
            outcomes[index] = fault.faultString

    threads = [threading.Thread(target=claim, args=(i, rpc)) for i, rpc in enumerate(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    winners = [o for o in outcomes if o is True]
    losers = [o for o in outcomes if o is not True]
    assert len(winners) == 1, outcomes
    assert "not in the public pool" in losers[0]
    admin_view = people["it_director"]("res.partner", "read", [[pool], ["user_id"]])[0]
    winner_login = ["it_sales_a2", "it_sales_b1"][outcomes.index(True)]
    assert admin_view["user_id"][0] == people["ids"][winner_login]
    moves = people["it_director"]("wsv.pool.move", "search_count", [[("partner_id", "=", pool)]])
    assert moves == 1


def test_duplicate_check_for_integrators(people, customers):
    found = people["it_sales_a1"](
        "res.partner", "wsv_duplicate_check", [{"name": NAME.format("a1")}]
    )
    assert found and found[0]["id"] == customers["a1"]
    # b1's customer is similar but not visible to a1
    assert customers["b1"] not in [m["id"] for m in found]


def test_registry_enrichment_through_the_simulator(people, admin):
    code = "91330200144073920U"
    for old in admin(
        "res.partner", "search", [[("credit_code", "=", code)]], {"context": {"active_test": False}}
    ):
        admin("res.partner", "write", [[old], {"credit_code": False}])
    partner = admin(
        "res.partner",
        "create",
        [
            {
                "name": "宁波石化经济技术开发区热电有限公司",
                "is_company": True,
                "is_customer": True,
                "user_id": people["ids"]["it_sales_a1"],
                "duplicate_reason": "集成测试",
            }
        ],
    )
    outcome = people["it_sales_a1"]("res.partner", "wsv_registry_enrich", [[partner]])
    assert outcome == [{"id": partner, "error": False}]
    data = people["it_sales_a1"](
        "res.partner", "read", [[partner], ["credit_code", "legal_representative"]]
    )[0]
    assert data["credit_code"] == code and data["legal_representative"]
    admin("res.partner", "write", [[partner], {"active": False}])


def test_errors_follow_the_users_language_without_a_context(server, admin):
    """A bare XML-RPC call (no context) answers in the user's language, ours and Odoo's
    alike; a context's lang wins; reads without a lang are the source text."""
    uid = xmlrpc.client.ServerProxy(f"{server['url']}/xmlrpc/2/common").authenticate(
        server["db"], "sunlei", "sunlei", {}
    )
    models = xmlrpc.client.ServerProxy(f"{server['url']}/xmlrpc/2/object", allow_none=True)

    def fault(model, method, args, kwargs=None):
        with pytest.raises(xmlrpc.client.Fault) as raised:
            models.execute_kw(server["db"], uid, "sunlei", model, method, args, kwargs or {})
        assert "Traceback" not in raised.value.faultString
        return raised.value.faultString

    customer = admin("res.partner", "search", [[("is_customer", "=", True)]], {"limit": 1})
    assign = ("res.partner", "action_pool_assign", [customer, uid])
    assert "分配：只有销售经理可以分配客户。" in fault(*assign)
    assert "不允许访问" in fault("wsv.sap.backend", "search_read", [[]])
    english = {"context": {"lang": "en_US"}}
    assert "only a sales manager can assign" in fault(*assign, english)
    assert "You are not allowed to access" in fault("wsv.sap.backend", "search_read", [[]], english)
    china = models.execute_kw(
        server["db"],
        uid,
        "sunlei",
        "res.country",
        "search_read",
        [[("code", "=", "CN")]],
        {"fields": ["name"]},
    )
    assert china == [{"id": china[0]["id"], "name": "China"}]
