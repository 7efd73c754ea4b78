"""scripts/api_key.py: an administrator provisions an API key for an integration user; the key
replaces the password over XML-RPC and gives exactly that user's rights."""

import os
import pathlib
import subprocess
import sys
import xmlrpc.client

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def api_key(server, *args):
    conf = os.environ.get("WSV_CONF")
    if not conf:
        pytest.fail("WSV_CONF is not set: run the tests through scripts/test.sh")
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "api_key.py"),
            "-c",
            conf,
            "-d",
            server["db"],
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_provisioned_key_is_the_users_password_and_no_more(server, admin):
    made = api_key(server, "--login", "lintao", "--name", "SAP PI (test)", "--days", "30")
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip().splitlines()[-1]
    common = xmlrpc.client.ServerProxy(f"{server['url']}/xmlrpc/2/common")
    uid = common.authenticate(server["db"], "lintao", key, {})
    lintao = admin("res.users", "search", [[("login", "=", "lintao")]])[0]
    assert uid == lintao
    models = xmlrpc.client.ServerProxy(f"{server['url']}/xmlrpc/2/object", allow_none=True)

    def call(model, method, args, password=key):
        return models.execute_kw(
            server["db"], uid, password, model, method, args, {"context": {"lang": "en_US"}}
        )

    # the integration administrator's rights: the outbox, and no contracts
    assert call("wsv.sap.backend", "search", [[]])
    with pytest.raises(xmlrpc.client.Fault, match="not allowed to access"):
        call("sale.order", "search", [[]])
    with pytest.raises(xmlrpc.client.Fault, match="Access Denied"):
        call(
            "wsv.sap.backend", "search", [[]], password=key[:-1] + ("0" if key[-1] != "0" else "1")
        )
    keys = admin(
        "res.users.apikeys",
        "search_read",
        [[("user_id", "=", lintao)]],
        {"fields": ["name", "scope", "expiration_date"]},
    )
    mine = [k for k in keys if k["name"] == "SAP PI (test)"]
    assert mine and mine[-1]["scope"] == "rpc" and mine[-1]["expiration_date"]


def test_unknown_or_portal_logins_are_refused(server, admin):
    for login in ("no-such-user", "portal"):
        refused = api_key(server, "--login", login, "--name", "x")
        assert refused.returncode != 0 and "--login" in refused.stderr, refused.stderr
