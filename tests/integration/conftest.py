import os
import xmlrpc.client

import pytest
import requests


def english(kwargs):
    """The call's kwargs with lang en_US unless the test names a language: the tests read
    messages in English, and the demo users' own language is Chinese."""
    kwargs = dict(kwargs or {})
    kwargs["context"] = {"lang": "en_US", **kwargs.get("context", {})}
    return kwargs


@pytest.fixture(scope="session")
def server():
    """The live server that scripts/test.sh started on the test database."""
    url, db = os.environ.get("WSV_URL"), os.environ.get("WSV_DB")
    if not url or not db:
        pytest.fail("WSV_URL and WSV_DB are not set: run the tests through scripts/test.sh")
    return {"url": url, "db": db, "username": "admin", "password": "admin"}


class Rpc:
    """XML-RPC as one user: rpc("res.partner", "search", [[...]], {...})."""

    def __init__(self, server, login, password):
        self.db, self.password = server["db"], password
        common = xmlrpc.client.ServerProxy(f"{server['url']}/xmlrpc/2/common")
        self.uid = common.authenticate(self.db, login, password, {})
        assert self.uid, f"cannot log in as {login}"
        self.url = server["url"]

    def __call__(self, model, method, args, kwargs=None):
        # a proxy per call: ServerProxy is not safe to share between threads
        models = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object", allow_none=True)
        return models.execute_kw(
            self.db, self.uid, self.password, model, method, args, english(kwargs)
        )


@pytest.fixture(scope="session")
def admin(server):
    return Rpc(server, "admin", "admin")


def password(login):
    """The password of a user the tests create: the password policy (10 characters, a
    capital, a digit) holds for them as for real people."""
    return f"Wsv-{login}-2026"


@pytest.fixture(scope="session")
def people(server, admin):
    """Two teams (a manager and two / one salespeople), a director and a finance user,
    created for the run with their passwords (``password(login)``)."""
    group = {
        role: admin(
            "ir.model.data", "check_object_reference", ["wsv_crm_customer", f"group_{role}"]
        )[1]
        for role in ("salesperson", "sales_manager", "sales_director", "finance")
    }
    users = {}
    for login, role in [
        ("it_manager_a", "sales_manager"),
        ("it_sales_a1", "salesperson"),
        ("it_sales_a2", "salesperson"),
        ("it_manager_b", "sales_manager"),
        ("it_sales_b1", "salesperson"),
        ("it_director", "sales_director"),
        ("it_finance", "finance"),
    ]:
        found = admin("res.users", "search", [[("login", "=", login)]])
        users[login] = (
            found[0]
            if found
            else admin(
                "res.users",
                "create",
                [
                    {
                        "name": login,
                        "login": login,
                        "password": password(login),
                        "groups_id": [(4, group[role])],
                    }
                ],
                {"context": {"no_reset_password": True}},
            )
        )
    for team, manager, members in [
        ("集成测试A组", "it_manager_a", ["it_manager_a", "it_sales_a1", "it_sales_a2"]),
        ("集成测试B组", "it_manager_b", ["it_manager_b", "it_sales_b1"]),
    ]:
        if not admin("crm.team", "search", [[("name", "=", team)]]):
            admin(
                "crm.team",
                "create",
                [
                    {
                        "name": team,
                        "user_id": users[manager],
                        "member_ids": [(6, 0, [users[m] for m in members])],
                    }
                ],
            )
    return {login: Rpc(server, login, password(login)) for login in users} | {
        "ids": users,
        "passwords": {login: password(login) for login in users},
    }


def demo_ref(admin, xmlid):
    """The database id of a demo record."""
    return admin("ir.model.data", "check_object_reference", xmlid.split("."))[1]


def demo_meter(admin):
    """The demo meter: a product template; an order line takes its variant."""
    template = demo_ref(admin, "wsv_contract.product_meter_1p_demo")
    return admin("product.product", "search", [[("product_tmpl_id", "=", template)]])[0]


def signed_contract(admin, seller, partner_id, qty=100):
    """A contract of ``seller`` (an Rpc) signed through its real steps: created and submitted
    by the salesperson, approved by the admin where a rule asks for it, its documents filed,
    signed. Returns the contract's id."""
    ref = lambda xmlid: demo_ref(admin, xmlid)  # noqa: E731
    meter = demo_meter(admin)
    contract = seller(
        "sale.order",
        "create",
        [
            {
                "partner_id": partner_id,
                "template_id": ref("wsv_contract.contract_template_meters_demo"),
                "order_line": [(0, 0, {"product_id": meter, "product_uom_qty": qty})],
            }
        ],
    )
    seller("sale.order", "action_contract_submit", [[contract]])
    state = admin("sale.order", "read", [[contract], ["contract_state", "contract_type"]])[0]
    if state["contract_state"] == "review":
        admin("sale.order", "validate_tier", [[contract]])
    required = admin(
        "wsv.contract.doc.requirement",
        "search_read",
        [[("contract_type", "=", state["contract_type"])]],
        {"fields": ["doc_type"]},
    )
    for row in required:
        seller(
            "wsv.contract.document",
            "create",
            [{"order_id": contract, "doc_type": row["doc_type"], "file": "JVBERi0xLjQ="}],
        )
    seller("sale.order", "action_contract_sign", [[contract]])
    return contract


class WebSession:
    """JSON-RPC as the web client calls it, in a logged-in session: no password check per
    call, so two sessions can really act at the same instant."""

    def __init__(self, server, login, password):
        self.url, self.http = server["url"], requests.Session()
        answer = self.http.post(
            f"{self.url}/web/session/authenticate",
            json={"params": {"db": server["db"], "login": login, "password": password}},
            timeout=60,
        ).json()
        assert answer.get("result", {}).get("uid"), answer

    def __call__(self, model, method, args, kwargs=None):
        """The result, or raises RuntimeError with the server's message."""
        answer = self.http.post(
            f"{self.url}/web/dataset/call_kw",
            json={
                "params": {
                    "model": model,
                    "method": method,
                    "args": args,
                    "kwargs": english(kwargs),
                }
            },
            timeout=120,
        ).json()
        if "error" in answer:
            raise RuntimeError(answer["error"]["data"]["message"])
        return answer.get("result")  # None comes back as no result at all
