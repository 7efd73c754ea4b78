"""Nuonuo (诺税通) simulator: the fully-digital (数电) e-invoice services of the Nuonuo open
platform, as far as WSV issues and reverses invoices through them.

- ``POST /accessToken`` (form: client_id, client_secret, grant_type=client_credentials) gives
  a token valid ``token_ttl`` seconds; a wrong key or secret is HTTP 400 ``invalid_client``.
- ``POST /open/v1/services?senid=&nonce=&timestamp=&appkey=``: the platform reads the four
  signing parameters from the query string only (the issue text says "body"; the platform's
  own SDKs put them on the URL). Headers ``accessToken``, ``userTax``, ``method`` and
  ``X-Nuonuo-Sign`` = base64(HMAC-SHA1(secret, "a=services&l=v1&p=open&k=..&i=..&n=..&t=..&f="
  + body)). Every answer is HTTP 200 ``{"code", "describe", "result"}``: E0000 done, 070301
  token invalid or expired, 070314 bad signature, 070327 rate limited, E9101 a bad field
  (named), E9106 orderNo used already, E9201 a red-letter refusal. Server faults are HTTP 5xx.
- Methods: requestBillingNew, queryInvoiceResult, saveInvoiceRedConfirm,
  queryInvoiceRedConfirm, fastInvoiceRed (prefix ``nuonuo.OpeMplatform.``). An invoice is
  "20" (issuing) for ``issue_delay`` seconds, then "2" (issued) or "22" (failed). A query for
  an unknown orderNo, serial or bill answers an empty list (not E9301): a look-up that finds
  nothing is no error, so the caller needs one test only.
- A red confirmation of a 普票 (pc) is "01" at once; of a 专票 (bs) "02" until the buyer
  answers: ``POST /_sim/red/confirm {"billNo", "accept"}`` ("04" or "05"), or acceptance
  after ``buyer_delay`` seconds (a negative delay: never, the buyer must answer).
- ``GET /_files/<serial>.pdf|.ofd|.xml``: the documents of an issued invoice.
- With ``callback_url`` each invoice reaching its final status is pushed there, signed as
  the platform signs (path /open/v1/callback), from a background thread, best effort.
- ``GET /_sim/invoices`` (with ``issued_count``: invoices created per orderNo, 1 when nothing
  was duplicated), ``GET /_sim/red_confirms``, ``POST /_sim/reset``, ``GET|POST /_sim/faults``
  ``{"rate": 0.3, "kinds": [...], "delay": 3, "seed": 1}`` (also WSV_NUONUO_FAULTS). Kinds:
  timeout (work done, answered after ``delay``), http500 (before any work), duplicate (a
  creating request done, then answered E9106), token (070301, and the token is dropped),
  ratelimit (070327, before any work), fail (only when listed: the invoice ends "22").
- Everything lives in memory, behind one lock: a restart forgets it, which a demo and the
  tests can afford (the SAP simulator needs SQLite, this one does not).
"""

import base64
import collections
import datetime
import hashlib
import hmac
import http.server
import io
import itertools
import json
import os
import random
import secrets
import sys
import threading
import time
import urllib.parse
import urllib.request
import zipfile
from decimal import Decimal, InvalidOperation
from xml.sax.saxutils import escape

SERVICES = "/open/v1/services"
CALLBACK = "/open/v1/callback"
PREFIX = "nuonuo.OpeMplatform."
FAULT_KINDS = ("timeout", "http500", "duplicate", "token", "ratelimit", "fail")
DEFAULT_KINDS = FAULT_KINDS[:-1]  # "fail" only when asked for
CREATING = ("requestBillingNew", "fastInvoiceRed", "saveInvoiceRedConfirm")
CENT = Decimal("0.01")
CHINA = datetime.timezone(datetime.timedelta(hours=8))  # no daylight saving since 1991


class Refusal(Exception):
    """A business answer other than E0000: (code, describe)."""

    def __init__(self, code, describe):
        super().__init__(describe)
        self.code, self.describe = code, describe


def _sign(secret, path, app_key, senid, nonce, timestamp, body):
    # The platform's side, kept apart from the client's copy so one bug cannot hide in both.
    first, middle, last = path.strip("/").split("/")
    head = f"a={last}&l={middle}&p={first}&k={app_key}&i={senid}&n={nonce}&t={timestamp}&f="
    digest = hmac.new(secret.encode(), head.encode() + body, hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _money(value, field):
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise Refusal("E9101", f"{field}格式错误") from None
    if not amount.is_finite():
        raise Refusal("E9101", f"{field}格式错误")
    return amount


def _amount(value):
    return str(value.quantize(CENT))


class Faults:
    """Which fault, if any, the next service request gets (seeded, thread-safe)."""

    def __init__(self, settings=None):
        self.lock = threading.Lock()
        self.set(settings or {})

    def set(self, settings):
        kinds = settings.get("kinds") or list(DEFAULT_KINDS)
        unknown = set(kinds) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {sorted(unknown)}")
        rate = float(settings.get("rate", 0))
        if not 0 <= rate <= 1:
            raise ValueError("rate must be between 0 and 1")
        with self.lock:
            self.rate, self.kinds = rate, list(kinds)
            self.delay = float(settings.get("delay", 3))
            self.random = random.Random(settings.get("seed"))

    def state(self):
        with self.lock:
            return {"rate": self.rate, "kinds": self.kinds, "delay": self.delay}

    def draw(self):
        with self.lock:
            if self.rate and self.random.random() < self.rate:
                return self.random.choice(self.kinds)
            return None


class Store:
    """Tokens, invoices and red confirmations, in memory, under one lock."""

    def __init__(self, issue_delay, buyer_delay):
        self.lock = threading.Lock()
        self.issue_delay, self.buyer_delay = issue_delay, buyer_delay
        self.numbers = itertools.count(1)
        self.reset()

    def reset(self):
        with self.lock:
            self.tokens = {}  # token -> expiry (time.time())
            self.invoices = {}  # serial -> invoice
            self.by_order = {}  # orderNo -> serial
            self.by_number = {}  # invoice number -> serial
            self.created = collections.Counter()  # orderNo -> invoices created, honestly
            self.bills = {}  # billNo -> red confirmation
            self.bills_by_order = {}  # orderNo -> billNo

    def number(self, digits):
        return datetime.date.today().strftime("%y") + f"{next(self.numbers):0{digits - 2}d}"

    # -- invoices (call with the lock held) --
    def status(self, invoice):
        return "20" if time.time() < invoice["ready_at"] else invoice["final"]

    def item(self, invoice, base):
        """An invoice as queryInvoiceResult (and the callback) tells it."""
        status = self.status(invoice)
        issued = status == "2"
        urls = {
            f"{kind}Url": f"{base}/_files/{invoice['serial']}.{kind}" if issued else ""
            for kind in ("pdf", "ofd", "xml")
        }
        return {
            "orderNo": invoice["orderNo"],
            "serialNo": invoice["serial"],
            "status": status,
            "statusMsg": {"2": "开票完成", "20": "开票中", "22": "开票失败"}[status],
            "invoiceNo": invoice["invoiceNo"] if issued else "",
            "invoiceDate": int(invoice["ready_at"] * 1000) if issued else None,
            "invoiceLine": invoice["invoiceLine"],
            "invoiceType": invoice["invoiceType"],
            "orderAmount": invoice["orderAmount"],
            "exTaxAmount": invoice["exTaxAmount"],
            "taxAmount": invoice["taxAmount"],
            **urls,
            "failCause": invoice["failCause"] if status == "22" else "",
        }

    def add_invoice(self, values, fail):
        """Create an invoice (lock held): E9106 when its orderNo has one already."""
        if values["orderNo"] in self.by_order:
            raise Refusal("E9106", "订单编号已存在")
        serial = datetime.date.today().strftime("%y%m%d") + secrets.token_hex(7)
        invoice = {
            **values,
            "serial": serial,
            "invoiceNo": self.number(20),
            "ready_at": time.time() + self.issue_delay,
            "final": "22" if fail else "2",
            "failCause": "税局服务异常，开票失败（模拟）" if fail else "",
        }
        self.invoices[serial] = invoice
        self.by_order[values["orderNo"]] = serial
        self.by_number[invoice["invoiceNo"]] = serial
        self.created[values["orderNo"]] += 1
        return invoice

    # -- red confirmations (lock held) --
    def bill_status(self, bill):
        if (
            bill["billStatus"] == "02"
            and self.buyer_delay >= 0
            and time.time() >= bill["created"] + self.buyer_delay
        ):
            bill["billStatus"] = "04"  # the buyer accepted in time
        return bill["billStatus"]

    def bill_item(self, bill):
        return {
            "orderNo": bill["orderNo"],
            "billId": bill["billId"],
            "billNo": bill["billNo"],
            "billStatus": self.bill_status(bill),
            "blueInvoiceNumber": bill["blueInvoiceNumber"],
            "redAmount": bill["redAmount"],
            "redReason": bill["redReason"],
        }

    def remaining(self, blue):
        """What of a blue invoice no red confirmation (but a refused one) takes back yet."""
        taken = sum(
            (
                Decimal(b["redAmount"])
                for b in self.bills.values()
                if b["blueInvoiceNumber"] == blue["invoiceNo"] and self.bill_status(b) < "05"
            ),
            Decimal(0),
        )
        return Decimal(blue["orderAmount"]) - taken


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, options):
        super().__init__(address, Handler)
        self.app_key, self.app_secret = options["app_key"], options["app_secret"]
        self.token_ttl, self.callback_url = options["token_ttl"], options["callback_url"]
        self.faults = Faults(options["faults"])
        self.store = Store(options["issue_delay"], options["buyer_delay"])

    def handle_error(self, request, client_address):
        # a client that gave up waiting (an injected timeout) is no error of the platform's
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def push_later(self, serial, base):
        """Push the invoice's final status to the callback URL once it has one."""
        if not self.callback_url:
            return
        wait = max(0.0, self.store.invoices[serial]["ready_at"] - time.time())
        timer = threading.Timer(wait, self._push, (serial, base))
        timer.daemon = True
        timer.start()

    def _push(self, serial, base):
        with self.store.lock:
            invoice = self.store.invoices.get(serial)
            item = invoice and self.store.item(invoice, base)
        if not item:
            return  # reset meanwhile
        body = json.dumps(
            {"method": PREFIX + "callback", "content": item},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        query = {
            "senid": secrets.token_hex(16),
            "nonce": f"{random.randrange(10**8):08d}",
            "timestamp": str(int(time.time())),
            "appkey": self.app_key,
        }
        signature = _sign(self.app_secret, CALLBACK, self.app_key, *list(query.values())[:3], body)
        request = urllib.request.Request(
            f"{self.callback_url}?{urllib.parse.urlencode(query)}",
            data=body,
            headers={"Content-Type": "application/json", "X-Nuonuo-Sign": signature},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
                answer.read()
        except OSError:
            pass  # best effort, as the platform's push: the client queries anyway


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body leave in separate writes: without this, Nagle's algorithm and the
    # client's delayed ACK hold every answer for 40 ms
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # quiet: tests and benchmarks send thousands
        pass

    # ------------------------------------------------------------ plumbing
    def _send(self, status, body, content_type="application/json; charset=utf-8"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status, value):
        self._send(status, json.dumps(value, ensure_ascii=False).encode())

    def _answer(self, code, describe, result=None):
        self._json(200, {"code": code, "describe": describe, "result": result})

    def _base(self):
        host, port = self.server.server_address[:2]
        return "http://" + self.headers.get("Host", f"{host}:{port}")

    # ------------------------------------------------------------ GET
    def do_GET(self):
        store = self.server.store
        if self.path == "/_sim/invoices":
            with store.lock:
                rows = [
                    {
                        "orderNo": i["orderNo"],
                        "serialNo": i["serial"],
                        "invoiceNo": i["invoiceNo"],
                        "invoiceType": i["invoiceType"],
                        "invoiceLine": i["invoiceLine"],
                        "status": store.status(i),
                        "amount": i["orderAmount"],
                        "blueInvoiceNumber": i.get("blueInvoiceNumber", ""),
                        "billNo": i.get("billNo", ""),
                        "issued_count": store.created[i["orderNo"]],
                    }
                    for i in store.invoices.values()
                ]
            return self._json(200, rows)
        if self.path == "/_sim/red_confirms":
            with store.lock:
                rows = [store.bill_item(bill) for bill in store.bills.values()]
            return self._json(200, rows)
        if self.path == "/_sim/faults":
            return self._json(200, self.server.faults.state())
        if self.path.startswith("/_files/"):
            return self._file(self.path[len("/_files/") :])
        return self._send(404, b"not found", "text/plain")

    def _file(self, name):
        serial, _, kind = name.rpartition(".")
        store = self.server.store
        with store.lock:
            invoice = store.invoices.get(serial)
            issued = invoice is not None and store.status(invoice) == "2"
        if not issued or kind not in ("pdf", "ofd", "xml"):
            return self._send(404, b"not found", "text/plain")
        body, content_type = {
            "pdf": (_pdf, "application/pdf"),
            "ofd": (_ofd, "application/ofd"),
            "xml": (_xml, "application/xml"),
        }[kind]
        return self._send(200, body(invoice), content_type)

    # ------------------------------------------------------------ POST
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        url = urllib.parse.urlsplit(self.path)
        if url.path.startswith("/_sim/"):
            return self._simulator(url.path, body)
        if url.path == "/accessToken":
            return self._token(body)
        if url.path != SERVICES:
            return self._send(404, b"not found", "text/plain")
        query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
        return self._service(query, body)

    def _simulator(self, path, body):
        try:
            value = json.loads(body or b"{}")
            if path == "/_sim/faults":
                self.server.faults.set(value)
                return self._json(200, self.server.faults.state())
            if path == "/_sim/reset":
                self.server.store.reset()
                return self._json(200, {"invoices": 0})
            if path == "/_sim/red/confirm":
                return self._buyer(str(value["billNo"]), bool(value.get("accept", True)))
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            return self._json(400, {"error": str(error)})
        return self._send(404, b"not found", "text/plain")

    def _buyer(self, bill_no, accept):
        """The buyer answers a 专票's red confirmation in its own tax system."""
        store = self.server.store
        with store.lock:
            bill = store.bills.get(bill_no)
            if bill is None:
                return self._json(404, {"error": f"no bill {bill_no}"})
            if store.bill_status(bill) != "02":
                return self._json(409, {"error": f"bill {bill_no} is {bill['billStatus']}"})
            bill["billStatus"] = "04" if accept else "05"
            item = store.bill_item(bill)
        return self._json(200, item)

    def _token(self, body):
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode("utf-8", "replace")).items()}
        if form.get("grant_type") != "client_credentials":
            return self._json(400, {"error": "unsupported_grant_type"})
        if not (
            hmac.compare_digest(form.get("client_id", ""), self.server.app_key)
            and hmac.compare_digest(form.get("client_secret", ""), self.server.app_secret)
        ):
            return self._json(
                400, {"error": "invalid_client", "error_description": "appKey或appSecret错误"}
            )
        token = secrets.token_hex(16)
        with self.server.store.lock:
            self.server.store.tokens[token] = time.time() + self.server.token_ttl
        return self._json(200, {"access_token": token, "expires_in": int(self.server.token_ttl)})

    def _service(self, query, body):
        server, store = self.server, self.server.store
        token = self.headers.get("accessToken", "")
        with store.lock:
            valid = store.tokens.get(token, 0) > time.time()
        if not valid:
            return self._answer("070301", "accessToken无效或已过期")
        params = [query.get(k, "") for k in ("senid", "nonce", "timestamp")]
        expected = _sign(server.app_secret, SERVICES, server.app_key, *params, body)
        if query.get("appkey") != server.app_key or not hmac.compare_digest(
            self.headers.get("X-Nuonuo-Sign", ""), expected
        ):
            return self._answer("070314", "签名验证失败")
        fault = server.faults.draw()
        if fault == "http500":
            return self._send(500, b"<html>500 Internal Server Error</html>", "text/html")
        if fault == "ratelimit":
            return self._answer("070327", "请求频率超过限制")
        if fault == "token":
            with store.lock:
                store.tokens.pop(token, None)
            return self._answer("070301", "accessToken无效或已过期")
        method = self.headers.get("method", "").removeprefix(PREFIX)
        try:
            content = json.loads(body)
        except ValueError:
            content = None
        try:
            if not isinstance(content, dict):
                raise Refusal("E9101", "content必须是JSON对象")
            if not self.headers.get("userTax"):
                raise Refusal("E9101", "userTax不能为空")
            work = {
                "requestBillingNew": self._issue,
                "queryInvoiceResult": self._query,
                "saveInvoiceRedConfirm": self._red_confirm,
                "queryInvoiceRedConfirm": self._query_red,
                "fastInvoiceRed": self._issue_red,
            }.get(method)
            if work is None:
                raise Refusal("E9101", f"method不存在: {self.headers.get('method', '')}")
            answer = ("E0000", "操作成功", work(content, fault))
        except Refusal as refusal:
            answer = (refusal.code, refusal.describe, None)
        if fault == "duplicate" and method in CREATING and answer[0] == "E0000":
            answer = ("E9106", "订单编号已存在", None)  # as if an earlier request had made it
        if fault == "timeout":
            time.sleep(server.faults.delay)  # done; the answer comes after the client gave up
        return self._answer(*answer)

    # ------------------------------------------------------------ methods
    def _issue(self, content, fault):
        order = content.get("order")
        if not isinstance(order, dict):
            raise Refusal("E9101", "order不能为空")
        values = _check_order(order)
        store = self.server.store
        with store.lock:
            invoice = store.add_invoice(values, fault == "fail")
        self.server.push_later(invoice["serial"], self._base())
        return {"invoiceSerialNum": invoice["serial"]}

    def _query(self, content, fault):
        serials, orders = content.get("serialNos") or [], content.get("orderNos") or []
        if not isinstance(serials, list) or not isinstance(orders, list):
            raise Refusal("E9101", "serialNos/orderNos必须是列表")
        if not serials and not orders:
            raise Refusal("E9101", "serialNos或orderNos不能为空")
        store, base = self.server.store, self._base()
        with store.lock:
            found = dict.fromkeys(
                [s for s in serials if s in store.invoices]
                + [store.by_order[o] for o in orders if o in store.by_order]
            )
            return [store.item(store.invoices[serial], base) for serial in found]

    def _red_confirm(self, content, fault):
        order_no = _order_no(content)
        reason = str(content.get("redReason", ""))
        if reason not in ("1", "2", "3", "4"):
            raise Refusal("E9101", "redReason必须是1、2、3或4")
        amount = _money(content.get("redAmount"), "redAmount")
        if amount <= 0:
            raise Refusal("E9101", "redAmount必须大于0")
        blue_number = str(content.get("blueInvoiceNumber", ""))
        store = self.server.store
        with store.lock:
            if order_no in store.bills_by_order:
                raise Refusal("E9106", "订单编号已存在")
            blue = store.invoices.get(store.by_number.get(blue_number, ""))
            if blue is None or blue["invoiceType"] != "1" or store.status(blue) != "2":
                raise Refusal("E9201", f"蓝字发票{blue_number}不存在或未开具成功")
            left = store.remaining(blue)
            if amount > left:
                raise Refusal("E9201", f"红冲金额{_amount(amount)}超过蓝票可冲金额{_amount(left)}")
            bill = {
                "orderNo": order_no,
                "billId": secrets.token_hex(8),
                "billNo": store.number(20),
                # a 普票 needs no confirmation; a 专票 waits for the buyer
                "billStatus": "01" if blue["invoiceLine"] == "pc" else "02",
                "blueInvoiceNumber": blue_number,
                "redAmount": _amount(amount),
                "redReason": reason,
                "created": time.time(),
                "red_serial": None,
            }
            store.bills[bill["billNo"]] = bill
            store.bills_by_order[order_no] = bill["billNo"]
            return {k: bill[k] for k in ("billId", "billNo", "billStatus")}

    def _query_red(self, content, fault):
        if not content.get("billNo") and not content.get("orderNo"):
            raise Refusal("E9101", "billNo或orderNo不能为空")
        store = self.server.store
        with store.lock:
            bill_no = content.get("billNo") or store.bills_by_order.get(content.get("orderNo"))
            bill = store.bills.get(bill_no)
            return [store.bill_item(bill)] if bill else []

    def _issue_red(self, content, fault):
        order_no = _order_no(content)
        if not content.get("taxNum"):
            raise Refusal("E9101", "taxNum不能为空")
        store = self.server.store
        with store.lock:
            if order_no in store.by_order:
                raise Refusal("E9106", "订单编号已存在")
            bill = store.bills.get(str(content.get("billNo", "")))
            if bill is None:
                raise Refusal("E9201", "红字确认单不存在")
            if store.bill_status(bill) not in ("01", "04"):
                raise Refusal("E9201", f"红字确认单状态{bill['billStatus']}不可开具红票")
            if bill["red_serial"]:
                raise Refusal("E9201", "该红字确认单已开具红票")
            blue = store.invoices[store.by_number[bill["blueInvoiceNumber"]]]
            red = Decimal(bill["redAmount"])
            # the tax taken back in the blue invoice's proportion
            ex_tax = (red * Decimal(blue["exTaxAmount"]) / Decimal(blue["orderAmount"])).quantize(
                CENT
            )
            values = {
                "orderNo": order_no,
                "invoiceType": "2",
                "invoiceLine": blue["invoiceLine"],
                "orderAmount": _amount(-red),
                "exTaxAmount": _amount(-ex_tax),
                "taxAmount": _amount(ex_tax - red),
                "blueInvoiceNumber": blue["invoiceNo"],
                "billNo": bill["billNo"],
                "buyerName": blue["buyerName"],
                "salerName": blue["salerName"],
            }
            invoice = store.add_invoice(values, fault == "fail")
            bill["red_serial"] = invoice["serial"]
        self.server.push_later(invoice["serial"], self._base())
        return {"invoiceSerialNum": invoice["serial"]}


def _order_no(content):
    order_no = content.get("orderNo")
    if not isinstance(order_no, str) or not order_no or len(order_no) > 20:
        raise Refusal("E9101", "orderNo不能为空且不超过20位")
    return order_no


def _near(a, b):
    return abs(a - b) <= CENT


def _check_order(order):
    """The checks of requestBillingNew: the invoice's values, or E9101 naming the field."""
    order_no = _order_no(order)
    if str(order.get("invoiceType", "1")) != "1":
        raise Refusal("E9101", "invoiceType必须是1（蓝票），红票请走红字确认单")
    line = order.get("invoiceLine")
    if line not in ("bs", "pc"):
        raise Refusal("E9101", "invoiceLine必须是bs或pc")
    if not order.get("buyerName"):
        raise Refusal("E9101", "buyerName不能为空")
    if line == "bs" and not order.get("buyerTaxNum"):
        raise Refusal("E9101", "buyerTaxNum不能为空（数电专票）")
    details = order.get("invoiceDetail")
    if not isinstance(details, list) or not details:
        raise Refusal("E9101", "invoiceDetail不能为空")
    totals = [Decimal(0)] * 3
    for number, detail in enumerate(details, 1):
        where = f"invoiceDetail[{number}]."
        if not detail.get("goodsName"):
            raise Refusal("E9101", where + "goodsName不能为空")
        code = str(detail.get("goodsCode", ""))
        if len(code) != 19 or not code.isdigit():
            raise Refusal("E9101", where + "goodsCode必须是19位数字")
        num = _money(detail.get("num"), where + "num")
        price = _money(detail.get("price"), where + "price")
        rate = _money(detail.get("taxRate"), where + "taxRate")
        tax = _money(detail.get("tax"), where + "tax")
        excluded = _money(detail.get("taxExcludedAmount"), where + "taxExcludedAmount")
        included = _money(detail.get("taxIncludedAmount"), where + "taxIncludedAmount")
        priced = included if str(detail.get("withTaxFlag", "0")) == "1" else excluded
        if not _near(num * price, priced):
            name = "taxIncludedAmount" if priced is included else "taxExcludedAmount"
            raise Refusal("E9101", f"{where}{name}不等于num×price")
        if not _near(excluded * rate, tax):
            raise Refusal("E9101", where + "tax不等于taxExcludedAmount×taxRate")
        if excluded + tax != included:
            raise Refusal("E9101", where + "taxIncludedAmount不等于taxExcludedAmount+tax")
        totals = [totals[0] + included, totals[1] + excluded, totals[2] + tax]
    return {
        "orderNo": order_no,
        "invoiceType": "1",
        "invoiceLine": line,
        "orderAmount": _amount(totals[0]),
        "exTaxAmount": _amount(totals[1]),
        "taxAmount": _amount(totals[2]),
        "buyerName": order["buyerName"],
        "salerName": order.get("salerName", ""),
    }


# ------------------------------------------------------------ documents
def _pdf(invoice):
    """A one-page PDF any reader opens (ASCII text: the standard fonts have no Chinese)."""
    text = (
        f"E-invoice {invoice['invoiceNo']} type {invoice['invoiceType']} "
        f"total {invoice['orderAmount']} tax {invoice['taxAmount']}"
    )
    page = f"BT /F1 11 Tf 40 380 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 420] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(page), page),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def _xml(invoice):
    issued = datetime.datetime.fromtimestamp(invoice["ready_at"], CHINA)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><EInvoice><Header>'
        f"<EIid>{invoice['invoiceNo']}</EIid><InvoiceType>{invoice['invoiceType']}</InvoiceType>"
        f"<IssueTime>{issued:%Y-%m-%d %H:%M:%S}</IssueTime></Header><EInvoiceData>"
        f"<BuyerName>{escape(invoice['buyerName'])}</BuyerName>"
        f"<SellerName>{escape(invoice['salerName'])}</SellerName>"
        f"<TotalAmWithoutTax>{invoice['exTaxAmount']}</TotalAmWithoutTax>"
        f"<TotalTaxAm>{invoice['taxAmount']}</TotalTaxAm>"
        f"<TotalTax-includedAmount>{invoice['orderAmount']}</TotalTax-includedAmount>"
        "</EInvoiceData></EInvoice>"
    ).encode()


def _ofd(invoice):
    """An OFD is a zip whose entry point is OFD.xml; the invoice's data ride in it."""
    ofd = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.1" DocType="OFD">'
        f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>{invoice['serial']}</ofd:DocID>"
        f'<ofd:CustomDatas><ofd:CustomData Name="发票号码">{invoice["invoiceNo"]}'
        f'</ofd:CustomData><ofd:CustomData Name="价税合计">{invoice["orderAmount"]}'
        "</ofd:CustomData></ofd:CustomDatas></ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OFD.xml", ofd)
        archive.writestr("Doc_0/Document.xml", '<?xml version="1.0" encoding="UTF-8"?><Document/>')
        archive.writestr("Doc_0/invoice.xml", _xml(invoice))
    return buffer.getvalue()


def _setting(value, name, default):
    """``value`` unless None, else WSV_NUONUO_<name> when set, else ``default``."""
    if value is not None:
        return value
    text = os.environ.get("WSV_NUONUO_" + name)
    return type(default)(text) if text else default


def make_server(
    host="127.0.0.1",
    port=8073,
    app_key=None,
    app_secret=None,
    faults=None,
    issue_delay=None,
    buyer_delay=None,
    callback_url=None,
    token_ttl=None,
):
    """A bound, not yet serving, simulator; run serve_forever() in a thread. Each option
    left None comes from WSV_NUONUO_<OPTION> (faults: WSV_NUONUO_FAULTS, callback_url:
    WSV_NUONUO_CALLBACK), else its default."""
    options = {
        "app_key": _setting(app_key, "APP_KEY", "wsv-demo-appkey"),
        "app_secret": _setting(app_secret, "APP_SECRET", "wsv-demo-appsecret"),
        "faults": json.loads(_setting(None, "FAULTS", "{}")) if faults is None else faults,
        "issue_delay": _setting(issue_delay, "ISSUE_DELAY", 0.5),
        "buyer_delay": _setting(buyer_delay, "BUYER_DELAY", 0.5),
        "callback_url": _setting(callback_url, "CALLBACK", ""),
        "token_ttl": _setting(token_ttl, "TOKEN_TTL", 86400.0),
    }
    return Server((host, port), options)
