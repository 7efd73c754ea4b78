"""lib/nuonuo against the Nuonuo simulator over a socket: signing, tokens, issuing and its
files, the simulator's checks, issuing exactly once whatever fails on the way, red letters
and the pushed callback."""

import base64
import datetime
import hashlib
import hmac
import http.server
import io
import json
import queue
import re
import threading
import time
import urllib.parse
import zipfile

import pytest

from odoo.addons.wsv_einvoice.lib import nuonuo

SELLER = "91320000134766570R"
BUYER = "91320594608237123L"


@pytest.fixture(autouse=True)
def _fresh_tokens():
    """Every test starts without shared tokens: a simulator may reuse an earlier one's port."""
    nuonuo._TOKENS.clear()


def client(sim, secret=None, **options):
    return nuonuo.Client(sim.base, sim.app_key, secret or sim.app_secret, SELLER, **options)


def order(order_no="WSV2026000001", line="pc", detail=None, **changes):
    values = {
        "orderNo": order_no,
        "invoiceDate": "2026-12-01 10:00:00",
        "buyerName": "苏州工业园区清源华衍水务有限公司",
        "buyerTaxNum": BUYER,
        "salerTaxNum": SELLER,
        "salerName": "WSV电气有限公司",
        "clerk": "张三",
        "invoiceType": "1",
        "invoiceLine": line,
        "invoiceDetail": [
            {
                "goodsName": "电力电缆",
                "goodsCode": "1090511030000000000",
                "specType": "YJV22-3x240",
                "unit": "米",
                "num": "100",
                "price": "200.00",
                "withTaxFlag": "0",
                "taxRate": "0.13",
                "tax": "2600.00",
                "taxExcludedAmount": "20000.00",
                "taxIncludedAmount": "22600.00",
                **(detail or {}),
            }
        ],
        **changes,
    }
    return {k: v for k, v in values.items() if v is not None}


def settled(api, order_no, seconds=5):
    """The Result once the platform is done issuing it."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        found = api.query(order_nos=[order_no])
        if found and found[0].state != "issuing":
            return found[0]
        time.sleep(0.02)
    raise AssertionError(f"{order_no} still issuing")


def blue(sim, api, order_no="WSV2026000001", line="pc"):
    api.issue_once(order(order_no, line))
    return settled(api, order_no)


def test_sign_is_the_platforms_hmac():
    content = '{"order":{"orderNo":"WSV1"}}'
    text = (
        "a=services&l=v1&p=open&k=key&i=0123456789abcdef0123456789abcdef&n=12345678"
        '&t=1767225600&f={"order":{"orderNo":"WSV1"}}'
    )
    expected = base64.b64encode(hmac.new(b"secret", text.encode(), hashlib.sha1).digest())
    signature = nuonuo.sign(
        "secret",
        "/open/v1/services",
        "key",
        "0123456789abcdef0123456789abcdef",
        "12345678",
        "1767225600",
        content,
    )
    assert signature == expected.decode()


def test_issued_after_the_delay_with_its_files(nuonuo_sim):
    sim = nuonuo_sim(issue_delay=0.3)
    api = client(sim)
    first = api.issue_once(order())
    assert first.state == "issuing" and len(first.serial) == 20
    assert api.query(serials=[first.serial])[0].state == "issuing"
    done = settled(api, "WSV2026000001")
    assert done.state == "issued" and done.serial == first.serial
    assert re.fullmatch(r"\d{20}", done.invoice_no)
    assert done.invoice_date == datetime.datetime.now(nuonuo.CHINA).date()
    assert done.raw["orderAmount"] == "22600.00" and done.raw["taxAmount"] == "2600.00"
    assert api.download(done.urls["pdf"]).startswith(b"%PDF-")
    with zipfile.ZipFile(io.BytesIO(api.download(done.urls["ofd"]))) as ofd:
        assert done.invoice_no in ofd.read("OFD.xml").decode()
    xml = api.download(done.urls["xml"]).decode()
    assert done.invoice_no in xml and "22600.00" in xml
    with pytest.raises(nuonuo.TransportError):
        api.download(done.urls["pdf"].replace(done.serial, "0" * 20))


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"line": "bs", "buyerTaxNum": None}, "buyerTaxNum"),
        ({"line": "xx"}, "invoiceLine"),
        ({"order_no": "W" * 21}, "orderNo"),
        ({"buyerName": ""}, "buyerName"),
        ({"detail": {"goodsCode": "10905110300"}}, "goodsCode"),
        ({"detail": {"goodsCode": "109051103000000000X"}}, "goodsCode"),
        ({"detail": {"num": "101"}}, "taxExcludedAmount"),
        ({"detail": {"tax": "2600.50"}}, "tax"),
        ({"detail": {"taxIncludedAmount": "22600.01"}}, "taxIncludedAmount"),
        ({"detail": {"price": "abc"}}, "price"),
    ],
)
def test_bad_input_is_refused_naming_the_field(nuonuo_sim, changes, field):
    sim = nuonuo_sim()
    with pytest.raises(nuonuo.PlatformError) as error:
        client(sim).issue(order(**changes))
    assert error.value.code == "E9101" and field in error.value.describe
    assert sim.get("/_sim/invoices") == []


def test_a_price_including_tax_is_checked_against_the_included_amount(nuonuo_sim):
    sim = nuonuo_sim()
    detail = {"withTaxFlag": "1", "price": "226.00"}
    assert client(sim).issue(order(detail=detail))
    with pytest.raises(nuonuo.PlatformError, match="taxIncludedAmount"):
        client(sim).issue(order("WSV2026000002", detail={**detail, "price": "200.00"}))


def test_an_expired_token_is_refreshed_once_for_every_client(nuonuo_sim):
    sim = nuonuo_sim()
    api = client(sim, token="0" * 32)  # the configured token, long expired
    assert api.query(order_nos=["none"]) == []
    assert [(m, json.loads(a).get("code")) for m, _r, a in api.exchanges] == [
        ("nuonuo.OpeMplatform.queryInvoiceResult", "070301"),
        ("accessToken", None),
        ("nuonuo.OpeMplatform.queryInvoiceResult", "E0000"),
    ]
    assert sim.app_secret not in repr(api.exchanges)
    other = client(sim, token="0" * 32)  # the process shares the refreshed token
    assert other.query(order_nos=["none"]) == []
    assert len(other.exchanges) == 1


def test_a_token_the_platform_keeps_refusing_is_a_transport_error(nuonuo_sim):
    sim = nuonuo_sim(faults={"rate": 1, "kinds": ["token"]})
    api = client(sim)
    with pytest.raises(nuonuo.TransportError, match="070301"):
        api.query(order_nos=["none"])
    assert [m for m, _r, _a in api.exchanges].count("accessToken") == 2  # the first, one new


def test_a_wrong_secret_is_a_platform_error(nuonuo_sim):
    sim = nuonuo_sim()
    client(sim).query(order_nos=["none"])  # a valid token for this app key, shared
    with pytest.raises(nuonuo.PlatformError) as error:
        client(sim, secret="wrong").query(order_nos=["none"])
    assert error.value.code == "070314"
    with pytest.raises(nuonuo.PlatformError) as error:  # and no token without the secret
        client(nuonuo_sim(), secret="wrong").query(order_nos=["none"])
    assert error.value.code == "invalid_client"


def test_rate_limit_and_server_errors_are_transport_errors(nuonuo_sim):
    sim = nuonuo_sim(faults={"rate": 1, "kinds": ["ratelimit"]})
    with pytest.raises(nuonuo.TransportError, match="070327"):
        client(sim).issue(order())
    sim.post("/_sim/faults", {"rate": 1, "kinds": ["http500"]})
    with pytest.raises(nuonuo.TransportError, match="HTTP 500"):
        client(sim).issue(order())
    assert sim.get("/_sim/invoices") == []
    sim.stop()
    with pytest.raises(nuonuo.TransportError, match="connection"):
        client(sim, timeout=1).issue(order())


@pytest.mark.parametrize("kind", ["timeout", "http500", "duplicate", "token", "ratelimit"])
def test_issued_exactly_once_whatever_fails(nuonuo_sim, kind):
    sim = nuonuo_sim(faults={"rate": 1, "kinds": [kind], "delay": 0.4, "seed": 1})
    api = client(sim, timeout=0.2)
    found = None
    for attempt in range(4):  # as the job retries on transport errors
        if attempt == 2:
            sim.post("/_sim/faults", {"rate": 0})  # the platform recovers
        try:
            found = api.issue_once(order())
        except nuonuo.TransportError:
            continue
        break
    assert found is not None and found.order_no == "WSV2026000001"
    invoices = sim.get("/_sim/invoices")
    assert [(i["orderNo"], i["issued_count"]) for i in invoices] == [("WSV2026000001", 1)]
    assert found.serial == invoices[0]["serialNo"]
    assert settled(api, "WSV2026000001").state == "issued"


def test_a_failed_invoice_says_why(nuonuo_sim):
    sim = nuonuo_sim(faults={"rate": 1, "kinds": ["fail"]})
    api = client(sim)
    api.issue_once(order())
    failed = settled(api, "WSV2026000001")
    assert failed.state == "failed" and "开票失败" in failed.message
    assert failed.invoice_no == "" and failed.urls["pdf"] == ""


def test_red_letter_of_a_normal_invoice_needs_no_confirmation(nuonuo_sim):
    sim = nuonuo_sim()
    api = client(sim)
    invoice = blue(sim, api)
    bill = api.apply_red("WSVR2026000001", invoice.invoice_no, 1, "22600")
    assert (bill.state, bill.raw["billStatus"]) == ("confirmed", "01")
    assert re.fullmatch(r"\d{20}", bill.bill_no) and bill.order_no == "WSVR2026000001"
    # applied twice (an answer lost): the same bill
    assert api.apply_red("WSVR2026000001", invoice.invoice_no, 1, "22600").bill_no == bill.bill_no
    assert api.issue_red("WSVH2026000001", bill.bill_no).state == "issuing"
    red = settled(api, "WSVH2026000001")
    assert red.state == "issued" and red.raw["invoiceType"] == "2"
    assert (red.raw["orderAmount"], red.raw["exTaxAmount"], red.raw["taxAmount"]) == (
        "-22600.00",
        "-20000.00",
        "-2600.00",
    )
    # asked again under the same order number: looked up, not issued again
    assert api.issue_red("WSVH2026000001", bill.bill_no).serial == red.serial
    with pytest.raises(nuonuo.PlatformError) as error:  # a second red invoice for the bill
        api.issue_red("WSVH2026000002", bill.bill_no)
    assert error.value.code == "E9201"
    with pytest.raises(nuonuo.PlatformError) as error:  # nothing left to take back
        api.apply_red("WSVR2026000002", invoice.invoice_no, 1, "0.01")
    assert error.value.code == "E9201"
    rows = {i["orderNo"]: i for i in sim.get("/_sim/invoices")}
    assert rows["WSVH2026000001"]["blueInvoiceNumber"] == invoice.invoice_no
    assert rows["WSVH2026000001"]["billNo"] == bill.bill_no
    assert {i["issued_count"] for i in rows.values()} == {1}


def test_red_letter_of_a_special_invoice_waits_for_the_buyer(nuonuo_sim):
    sim = nuonuo_sim(buyer_delay=-1)
    api = client(sim)
    invoice = blue(sim, api, line="bs")
    bill = api.apply_red("WSVR2026000001", invoice.invoice_no, "2", "11300.00")
    assert (bill.state, bill.raw["billStatus"]) == ("pending_buyer", "02")
    with pytest.raises(nuonuo.PlatformError) as error:
        api.issue_red("WSVH2026000001", bill.bill_no)
    assert error.value.code == "E9201"
    with pytest.raises(nuonuo.PlatformError) as error:  # more than what is left
        api.apply_red("WSVR2026000002", invoice.invoice_no, "2", "11300.01")
    assert error.value.code == "E9201"
    sim.post("/_sim/red/confirm", {"billNo": bill.bill_no, "accept": True})
    confirmed = api.query_red(bill_no=bill.bill_no)
    assert (confirmed.state, confirmed.raw["billStatus"]) == ("confirmed", "04")
    api.issue_red("WSVH2026000001", bill.bill_no)
    red = settled(api, "WSVH2026000001")
    assert red.state == "issued" and red.raw["orderAmount"] == "-11300.00"
    assert red.raw["taxAmount"] == "-1300.00"


def test_a_refused_confirmation_takes_nothing_back(nuonuo_sim):
    sim = nuonuo_sim(buyer_delay=-1)
    api = client(sim)
    invoice = blue(sim, api, line="bs")
    bill = api.apply_red("WSVR2026000001", invoice.invoice_no, 4, 22600)
    assert sim.post_status("/_sim/red/confirm", {"billNo": bill.bill_no, "accept": False}) == 200
    refused = api.query_red(order_no="WSVR2026000001")
    assert (refused.state, refused.raw["billStatus"]) == ("refused", "05")
    # the whole amount can be applied for again
    assert api.apply_red("WSVR2026000002", invoice.invoice_no, 1, 22600).state == "pending_buyer"
    assert api.query_red(order_no="WSVR-NONE") is None


def test_the_buyer_accepts_by_himself_after_a_while(nuonuo_sim):
    sim = nuonuo_sim(buyer_delay=0.1)
    api = client(sim)
    invoice = blue(sim, api, line="bs")
    bill = api.apply_red("WSVR2026000001", invoice.invoice_no, 1, 100)
    assert bill.state == "pending_buyer"
    time.sleep(0.15)
    assert api.query_red(bill_no=bill.bill_no).state == "confirmed"


def test_red_letters_need_an_issued_blue_invoice(nuonuo_sim):
    sim = nuonuo_sim(issue_delay=5)
    api = client(sim)
    with pytest.raises(nuonuo.PlatformError) as error:
        api.apply_red("WSVR2026000001", "26000000000000000000", 1, 100)
    assert error.value.code == "E9201"
    api.issue_once(order())
    (invoice,) = sim.get("/_sim/invoices")  # numbered, but not issued yet
    with pytest.raises(nuonuo.PlatformError) as error:
        api.apply_red("WSVR2026000001", invoice["invoiceNo"], 1, 100)
    assert error.value.code == "E9201"


class _Pushes(http.server.BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
        self.server.pushes.put((query, body, self.headers["X-Nuonuo-Sign"]))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def receiver():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pushes)
    server.pushes = queue.Queue()
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_pushed_result_is_verified(nuonuo_sim, receiver):
    host, port = receiver.server_address[:2]
    sim = nuonuo_sim(callback_url=f"http://{host}:{port}/nuonuo/callback")
    api = client(sim)
    serial = api.issue_once(order()).serial
    query, body, signature = receiver.pushes.get(timeout=5)
    pushed = json.loads(body)
    assert pushed["method"] == "nuonuo.OpeMplatform.callback"
    assert pushed["content"]["serialNo"] == serial and pushed["content"]["status"] == "2"
    assert nuonuo.result(pushed["content"]).state == "issued"
    key, secret = sim.app_key, sim.app_secret
    assert nuonuo.verify_callback(secret, key, query, body, signature)
    assert nuonuo.verify_callback(secret, key, query, body.decode(), signature)
    tampered = body.replace(b'"status":"2"', b'"status":"22"')
    assert not nuonuo.verify_callback(secret, key, query, tampered, signature)
    assert not nuonuo.verify_callback("other", key, query, body, signature)
    assert not nuonuo.verify_callback(secret, "other", query, body, signature)
    # correctly signed, but eleven minutes old: a replay
    stale = {**query, "timestamp": str(int(time.time()) - 660)}
    assert not nuonuo.verify_callback(secret, key, stale, body, _signed(sim, stale, body))
    fresh = {**query, "timestamp": str(int(time.time()) - 60)}
    assert nuonuo.verify_callback(secret, key, fresh, body, _signed(sim, fresh, body))


def _signed(sim, query, body):
    values = [query[k] for k in ("senid", "nonce", "timestamp")]
    return nuonuo.sign(sim.app_secret, "/open/v1/callback", sim.app_key, *values, body.decode())
