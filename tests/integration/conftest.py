import os
import xmlrpc.client

import pytest


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
            self.db, self.uid, self.password, model, method, args, kwargs or {}
        )


@pytest.fixture(scope="session")
def admin(server):
    return Rpc(server, "admin", "admin")


@pytest.fixture(scope="session")
def people(server, admin):
    """Two teams (a manager and two / one salespeople), a director and a finance user,
    created for the run with their passwords (the login)."""
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
                        "password": login,
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
    return {login: Rpc(server, login, login) for login in users} | {"ids": users}
