"""Web-client sessions as the browser drives them, for Locust: the login form, the web
client's page, then JSON-RPC on /web/dataset/call_kw (list and form reads, searches, the
pool, contracts, collections, pivots). Users of each role with their task mixes.

Run through tests/load/run_load.py (./scripts/bench.sh load), which sets ROLES from
tests/load/prepare.py; `locust -f tests/load/locustfile.py` works too for a look at the web
UI of Locust, with WSV_LOAD_ROLES set to that JSON.
"""

import itertools
import json
import os
import random
import re
import time

from locust import FastHttpUser, between, constant, task
from locust.exception import StopUser

ROLES = json.loads(os.environ.get("WSV_LOAD_ROLES", "{}"))
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
OPEN = ["not_due", "due", "partly_collected", "overdue"]
DUE = ["due", "partly_collected", "overdue"]  # money can be confirmed against these
CUSTOMER_LIST = {
    "name": {},
    "customer_code": {},
    "user_id": {"fields": {"display_name": {}}},
    "team_id": {"fields": {"display_name": {}}},
    "grade": {},
    "health_badge": {},
    "pool_state": {},
    "phone": {},
    "city": {},
}
CONTRACT_LIST = {
    "contract_number": {},
    "partner_id": {"fields": {"display_name": {}}},
    "user_id": {"fields": {"display_name": {}}},
    "contract_state": {},
    "amount_total": {},
    "delivered_percent": {},
    "collected_percent": {},
    "overdue_amount": {},
}
CUSTOMER_FORM = {
    **CUSTOMER_LIST,
    "street": {},
    "credit_code": {},
    "customer_type": {},
    "health_score": {},
    "grade_computed": {},
    "region": {},
}
# parts of the generated customers' names (scripts/generate_data.py)
PROVINCES = "江苏 浙江 山东 广东 广西 云南 四川 湖北 河南 河北 上海 北京".split()
WORDS = "华源 恒通 电科 能投 宏达 远景 智联 中泰 新能 电气 水务 热电 燃气 鑫源 汇能".split()
_counters = {role: itertools.count() for role in ("salesperson", "manager", "finance", "director")}


class RpcError(Exception):
    pass


class WebClient(FastHttpUser):
    """A logged-in web-client session of one user of ``role``."""

    abstract = True
    role = None
    wait_time = between(3, 10)

    def on_start(self):
        # a failure here would end the user without Locust counting it: counted as a request
        try:
            self.start_session()
        except (StopUser, RpcError):
            raise StopUser from None  # counted already, as the request that failed
        except Exception as error:  # noqa: BLE001 - any of them is the bench's error
            self.record("START", "session start", 0, error)
            raise StopUser from error

    def start_session(self):
        users = ROLES[self.role]
        self.index = next(_counters[self.role])
        self.login_name = users[self.index % len(users)]
        self.login()
        self.uid = self.call_json("/web/session/get_session_info", {}, "session info")["uid"]
        self.odoo_context = {"lang": "zh_CN", "tz": "Asia/Shanghai", "uid": self.uid}
        self.rpc_id = itertools.count(1)

    def login(self):
        """The login form as the browser posts it; Odoo answers with the web client's page.
        Also counted as a whole ("login: form + post"): what the person waits for."""
        started = time.perf_counter()
        page = self.client.get("/web/login", name="login: form")
        token = CSRF.search(page.text or "")
        with self.client.post(
            "/web/login",
            data={
                "login": self.login_name,
                "password": ROLES["password"],
                "csrf_token": token and token.group(1),
                "redirect": "",
            },
            name="login: post, web client",
            catch_response=True,
        ) as answer:
            # refused: the login form again; logged in: redirected to the web client
            if answer.status_code != 200 or "oe_login_form" in (answer.text or ""):
                answer.failure(f"login of {self.login_name} refused: {answer.status_code}")
                raise StopUser
        self.record("LOGIN", "login: form + post", time.perf_counter() - started)

    def call_json(self, path, params, name):
        with self.client.post(
            path,
            json={"jsonrpc": "2.0", "method": "call", "params": params},
            name=name,
            catch_response=True,
        ) as answer:
            try:
                body = answer.json()
            except ValueError:
                answer.failure(f"HTTP {answer.status_code}: not JSON")
                raise RpcError(name) from None
            if "error" in body:
                answer.failure(body["error"]["data"]["message"][:300])
                raise RpcError(name)
            return body.get("result")

    def call(self, model, method, args, kwargs=None, name=None):
        kwargs = dict(kwargs or {})
        kwargs["context"] = {**self.odoo_context, **kwargs.get("context", {})}
        return self.call_json(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
            name or f"{model}.{method}",
        )

    def pivot(self, model, domain, measure, groupby, name, **kwargs):
        """What a pivot view asks: one read_group of a measure's sum over its groupings."""
        kwargs.update(domain=domain, fields=[f"{measure}:sum"], groupby=groupby, lazy=False)
        return self.call(model, "read_group", [], kwargs, name)

    def record(self, kind, name, seconds, exception=None):
        """A measurement of our own (not one request) in Locust's statistics."""
        self.environment.events.request.fire(
            request_type=kind,
            name=name,
            response_time=seconds * 1000,
            response_length=0,
            exception=exception,
            context={},
        )

    def list_read(self, model, domain, spec, name, limit=80, offset=0, order=""):
        return self.call(
            model,
            "web_search_read",
            [],
            {
                "domain": domain,
                "specification": spec,
                "limit": limit,
                "offset": offset,
                "order": order,
                "count_limit": 10001,
            },
            name,
        )["records"]


class Salesperson(WebClient):
    role = "salesperson"
    weight = 16

    @task(4)
    def my_customers(self):
        self.list_read(
            "res.partner",
            [("user_id", "=", self.uid), ("is_customer", "=", True)],
            CUSTOMER_LIST,
            "我的客户 list",
        )

    @task(3)
    def search_and_open_customer(self):
        # what the search box sends (Odoo's partner search view): the text in five columns
        text = random.choice(PROVINCES) + random.choice(WORDS)
        found = self.list_read(
            "res.partner",
            [
                ("is_customer", "=", True),
                "|",
                "|",
                "|",
                "|",
                ("complete_name", "ilike", text),
                ("ref", "ilike", text),
                ("email", "ilike", text),
                ("vat", "ilike", text),
                ("company_registry", "ilike", text),
            ],
            CUSTOMER_LIST,
            "customer search",
            limit=80,
        )
        if found:
            self.call(
                "res.partner",
                "web_read",
                [[found[0]["id"]]],
                {"specification": CUSTOMER_FORM},
                "customer form",
            )

    @task(2)
    def duplicate_check(self):
        self.call(
            "res.partner",
            "wsv_duplicate_check",
            [
                {
                    "name": f"江苏华源电气设备有限公司{random.randint(1, 999)}分公司",
                    "phone": f"025-{random.randint(60000000, 89999999)}",
                }
            ],
            name="duplicate check",
        )

    @task(1)
    def claim_and_release(self):
        # each salesperson on a page of the pool of their own: two never claim the same
        pool = self.list_read(
            "res.partner",
            [("pool_state", "=", "pool"), ("is_customer", "=", True)],
            CUSTOMER_LIST,
            "公海客户 list",
            limit=20,
            offset=self.index * 20,
            order="id",
        )
        if pool:
            customer = pool[0]["id"]
            self.call("res.partner", "action_pool_claim", [[customer]], name="pool claim")
            self.call(
                "res.partner",
                "action_pool_release",
                [[customer], "压测：放回公海"],
                name="pool release",
            )

    @task(1)
    def edit_contract(self):
        drafts = self.list_read(
            "sale.order",
            [("user_id", "=", self.uid), ("contract_state", "=", "draft")],
            CONTRACT_LIST,
            "合同 list",
            limit=20,
        )
        if drafts:
            self.call(
                "sale.order",
                "web_save",
                [[drafts[0]["id"]], {"client_order_ref": f"LOAD-{random.randint(1, 10**6)}"}],
                {"specification": CONTRACT_LIST},
                "contract edit",
            )

    @task(1)
    def confirm_collection(self):
        due = self.list_read(
            "wsv.receivable.installment",
            [("order_id.user_id", "=", self.uid), ("status", "in", DUE), ("amount_open", ">=", 1)],
            {"amount_open": {}, "order_id": {"fields": {"display_name": {}}}},
            "回款计划 list",
            limit=20,
        )
        if due:
            self.call(
                "wsv.collection",
                "web_save",
                [[], {"installment_id": due[0]["id"], "amount": 1.0}],
                {"specification": {"state": {}}},
                "collection confirm",
            )


class Manager(WebClient):
    role = "manager"
    weight = 2

    @task(3)
    def team_contracts(self):
        self.list_read(
            "sale.order", [("is_contract", "=", True)], CONTRACT_LIST, "合同 list (team)"
        )

    @task(2)
    def sales_pivot(self):
        self.pivot(
            "sale.order",
            [("is_contract", "=", True)],
            "amount_total",
            ["user_id", "contract_state"],
            "sales pivot",
        )

    @task(2)
    def aging_pivot(self):
        self.pivot(
            "wsv.receivable.installment",
            [("status", "in", OPEN)],
            "amount_open",
            ["aging_bucket", "partner_id"],
            "应收账龄 pivot",
            limit=80,
        )

    @task(1)
    def team_customers(self):
        self.list_read(
            "res.partner", [("is_customer", "=", True)], CUSTOMER_LIST, "客户 list (team)"
        )


class Director(Manager):
    role = "director"
    weight = 1


class Finance(WebClient):
    role = "finance"
    weight = 2

    @task(2)
    def installments(self):
        self.list_read(
            "wsv.receivable.installment",
            [("status", "in", OPEN)],
            {
                "amount": {},
                "amount_open": {},
                "due_date": {},
                "status": {},
                "partner_id": {"fields": {"display_name": {}}},
            },
            "回款计划 list (all)",
        )

    @task(1)
    def book_collection(self):
        confirmed = self.list_read(
            "wsv.collection",
            [("state", "=", "confirmed")],
            {"amount": {}, "installment_id": {"fields": {"partner_id": {}}}},
            "collections to book",
            limit=20,
            offset=random.randint(0, 20),
        )
        if confirmed:
            row = confirmed[0]
            payment = self.call(
                "account.payment",
                "web_save",
                [
                    [],
                    {
                        "payment_type": "inbound",
                        "partner_type": "customer",
                        "partner_id": row["installment_id"]["partner_id"],
                        "amount": row["amount"],
                    },
                ],
                {"specification": {"state": {}}},
                "payment create",
            )[0]["id"]
            self.call(
                "account.payment",
                "action_wsv_allocate",
                [[payment]],
                {"installment_ids": [row["installment_id"]["id"]]},
                "payment booking",
            )


class LoginOnly(WebClient):
    """Profile (c): log in, open the web client, and stay (nothing more is measured)."""

    role = "salesperson"
    abstract = False
    wait_time = constant(3600)

    def on_start(self):
        self.index = next(_counters[self.role])
        self.login_name = ROLES[self.role][self.index % len(ROLES[self.role])]
        self.login()

    @task
    def stay(self):
        pass
