"""The e-invoice platform's callback on the live server: only a push signed with our app key
is taken (the access table has the roles)."""

import json
import os
import time
import urllib.parse

import requests

from odoo.addons.wsv_einvoice.lib import nuonuo

APP_KEY, APP_SECRET = "wsv-demo-appkey", "wsv-demo-appsecret"
PLATFORM = f"http://127.0.0.1:{os.environ.get('WSV_NUONUO_PORT', '8073')}"


def push(server, content, secret=APP_SECRET, tamper=False):
    """POST a result to the callback as the platform does (signed over the body)."""
    body = json.dumps({"method": "nuonuo.OpeMplatform.callback", "content": content})
    query = {"senid": "a" * 32, "nonce": "12345678", "timestamp": str(int(time.time()))}
    query["appkey"] = APP_KEY
    signature = nuonuo.sign(
        secret, nuonuo.CALLBACK, APP_KEY, query["senid"], query["nonce"], query["timestamp"], body
    )
    if tamper:
        body = body.replace("orderNo", "orderNO")
    return requests.post(
        f"{server['url']}/wsv_einvoice/callback?{urllib.parse.urlencode(query)}",
        data=body.encode(),
        headers={"X-Nuonuo-Sign": signature, "Content-Type": "application/json"},
        timeout=10,
    )


def test_a_push_without_our_signature_is_refused(server):
    content = {"orderNo": "WSVI0000000000000001", "status": "2", "invoiceNo": "1" * 20}
    assert push(server, content, secret="not-our-secret").status_code == 403
    assert push(server, content, tamper=True).status_code == 403


def test_a_signed_push_about_an_unknown_invoice_changes_nothing(server):
    answer = push(server, {"orderNo": "WSVI9999999999999999", "status": "2"})
    assert answer.status_code == 200
    assert answer.json()["code"] == "E9301"


def test_a_signed_push_is_taken_once(server, admin):
    """A push about an invoice already issued (by its job, or by the platform's own push)
    is accepted and changes nothing: the platform still has one invoice for it."""
    deadline = time.monotonic() + 60
    while True:
        issued = admin(
            "account.move",
            "search_read",
            [[("einvoice_state", "=", "issued")]],
            {"fields": ["einvoice_order_no", "einvoice_number"], "limit": 1},
        )
        if issued or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert issued, "no invoice was issued on the live server"
    move = issued[0]
    platform = requests.get(f"{PLATFORM}/_sim/invoices", timeout=10).json()
    [item] = [i for i in platform if i["orderNo"] == move["einvoice_order_no"]]
    answer = push(server, {"orderNo": move["einvoice_order_no"], "status": "2"})
    assert (answer.status_code, answer.json()["code"]) == (200, "E0000")
    after = admin("account.move", "read", [[move["id"]], ["einvoice_number"]])[0]
    assert after["einvoice_number"] == move["einvoice_number"] == item["invoiceNo"]
    assert item["issued_count"] == 1
