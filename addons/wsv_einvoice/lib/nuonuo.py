"""The Nuonuo open platform (诺税通) as WSV calls it: fully-digital invoices issued, looked up,
reversed through red confirmations, their files downloaded, and its callbacks verified.

Every service call is ``POST {base}/open/v1/services`` with senid, nonce, timestamp and
appkey in the query string (where the platform reads them), the JSON content as the body and
its HMAC-SHA1 signature in ``X-Nuonuo-Sign``.

Errors come in three kinds: ``TransportError`` (no usable answer: time-outs, connections,
HTTP 5xx, rate limits, a token the platform keeps refusing; try again later),
``PlatformError`` (the platform's final refusal: the data or the configuration must be fixed)
and its ``Duplicate`` (E9106: the order number was used already, perhaps by our own earlier
attempt whose answer was lost; the ``*_once`` methods then look the document up instead, so
an invoice is never issued twice).

Tokens are shared by every ``Client`` of the process (per base URL and app key): when the
platform says one expired, the first client to notice fetches a new one, the others use it.
"""

import base64
import dataclasses
import datetime
import hashlib
import hmac
import json
import secrets
import threading
import time
import urllib.parse
from decimal import Decimal

import requests

PREFIX = "nuonuo.OpeMplatform."
SERVICES = "/open/v1/services"
CALLBACK = "/open/v1/callback"
OK = "E0000"
TOKEN_INVALID = "070301"
RATE_LIMITED = "070327"
DUPLICATE = "E9106"
CALLBACK_MAX_AGE = 600  # seconds a pushed callback's timestamp stays acceptable
# China has kept UTC+8 without daylight saving since 1991: no tz database needed
CHINA = datetime.timezone(datetime.timedelta(hours=8))
INVOICE_STATES = {"2": "issued", "20": "issuing", "21": "issuing", "22": "failed", "24": "failed"}

_TOKENS = {}  # (base_url, app_key) -> the access token every client of the process uses
_TOKENS_LOCK = threading.Lock()


class TransportError(Exception):
    """No usable answer from the platform: the call may be repeated later."""


class PlatformError(Exception):
    """The platform's final refusal (``code``, ``describe``): repeating changes nothing."""

    def __init__(self, code, describe):
        super().__init__(f"{code}: {describe}")
        self.code, self.describe = code, describe


class Duplicate(PlatformError):
    """E9106, the order number is taken: look the document up instead of creating it."""


@dataclasses.dataclass(frozen=True)
class Result:
    """An invoice as the platform reports it."""

    order_no: str
    serial: str
    state: str  # issuing, issued or failed
    invoice_no: str = ""
    invoice_date: datetime.date | None = None
    urls: dict = dataclasses.field(default_factory=dict)  # pdf, ofd, xml
    message: str = ""  # the platform's status text, or why the invoice failed
    raw: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class RedBill:
    """A red confirmation (红字确认单): its state is confirmed (01, 04), pending_buyer (02,
    03) or refused (05 and after)."""

    order_no: str
    bill_no: str
    bill_id: str
    state: str
    raw: dict = dataclasses.field(default_factory=dict)


def sign(secret, path, app_key, senid, nonce, timestamp, content):
    """The platform's signature: a, l, p are the last, middle and first path segments."""
    first, middle, last = path.strip("/").split("/")
    text = (
        f"a={last}&l={middle}&p={first}&k={app_key}&i={senid}&n={nonce}&t={timestamp}"
        f"&f={content}"
    )
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def verify_callback(secret, app_key, query, body, signature):
    """Whether a pushed callback (its query parameters, raw body and X-Nuonuo-Sign) comes
    from the platform and is fresh: a replayed old push is refused."""
    value = {k: v[0] if isinstance(v, list | tuple) else v for k, v in query.items()}
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    timestamp = str(value.get("timestamp", ""))
    if value.get("appkey") != app_key or not timestamp.isdigit():
        return False
    if abs(time.time() - int(timestamp)) > CALLBACK_MAX_AGE:
        return False
    expected = sign(
        secret, CALLBACK, app_key, value.get("senid", ""), value.get("nonce", ""), timestamp, body
    )
    signature = signature or ""
    # (compare_digest takes ASCII text only: anything else is no signature of ours)
    return signature.isascii() and hmac.compare_digest(expected, signature)


def _date(epoch_ms):
    if not epoch_ms:
        return None
    return datetime.datetime.fromtimestamp(int(epoch_ms) / 1000, CHINA).date()


def result(item):
    """A Result from a queryInvoiceResult item (or a callback's content)."""
    state = INVOICE_STATES.get(str(item.get("status")), "issuing")
    return Result(
        order_no=item.get("orderNo") or "",
        serial=item.get("serialNo") or "",
        state=state,
        invoice_no=item.get("invoiceNo") or "",
        invoice_date=_date(item.get("invoiceDate")),
        urls={k: item.get(f"{k}Url") or "" for k in ("pdf", "ofd", "xml")},
        message=(item.get("failCause") if state == "failed" else "") or item.get("statusMsg") or "",
        raw=item,
    )


def red_bill(item):
    """A RedBill from a saveInvoiceRedConfirm answer or a queryInvoiceRedConfirm item."""
    status = str(item.get("billStatus") or "")
    if status in ("01", "04"):
        state = "confirmed"
    elif status in ("02", "03"):
        state = "pending_buyer"
    else:
        state = "refused"
    return RedBill(
        order_no=item.get("orderNo") or "",
        bill_no=item.get("billNo") or "",
        bill_id=item.get("billId") or "",
        state=state,
        raw=item,
    )


class Client:
    """The platform for one seller (``user_tax``), every request bounded by ``timeout``.
    ``exchanges``: (method, request body, answer text or error) of every request, for the log
    (the app secret never appears in it)."""

    def __init__(
        self, base_url, app_key, app_secret, user_tax, token=None, timeout=10.0, session=None
    ):
        self.base_url = base_url.rstrip("/")
        self.app_key, self.app_secret, self.user_tax = app_key, app_secret, user_tax
        self.timeout = timeout
        self.session = session or requests.Session()
        self.exchanges = []
        self._key = (self.base_url, app_key)
        if token:
            with _TOKENS_LOCK:
                _TOKENS.setdefault(self._key, token)  # a refreshed one stays

    # ------------------------------------------------------------ plumbing
    def _token(self):
        with _TOKENS_LOCK:
            token = _TOKENS.get(self._key)
        return token or self._refresh(None)

    def _refresh(self, stale):
        """A new token, unless another client replaced ``stale`` meanwhile."""
        with _TOKENS_LOCK:
            current = _TOKENS.get(self._key)
            if current and current != stale:
                return current
            form = {"client_id": self.app_key, "grant_type": "client_credentials"}
            text = self._request(
                "accessToken",
                urllib.parse.urlencode(form),  # logged without the secret
                "/accessToken",
                data={**form, "client_secret": self.app_secret},
                ok=(200, 400),
            )
            answer = self._json(text)
            if not answer.get("access_token"):
                raise PlatformError(
                    answer.get("error", "token"), answer.get("error_description", text[:200])
                )
            _TOKENS[self._key] = answer["access_token"]
            return answer["access_token"]

    def _request(self, method, logged, path, ok=(200,), **kwargs):
        """POST and answer the text; TransportError when no usable answer came."""
        try:
            answer = self.session.post(self.base_url + path, timeout=self.timeout, **kwargs)
        except requests.exceptions.Timeout as error:
            self.exchanges.append((method, logged, "no answer in time"))
            raise TransportError("no answer in time") from error
        except requests.exceptions.RequestException as error:
            self.exchanges.append((method, logged, f"connection: {error}"))
            raise TransportError(f"connection: {error.__class__.__name__}") from error
        self.exchanges.append((method, logged, answer.text))
        if answer.status_code >= 500:
            raise TransportError(f"HTTP {answer.status_code}")
        if answer.status_code not in ok:
            raise PlatformError(f"HTTP {answer.status_code}", answer.text[:200])
        return answer.text

    @staticmethod
    def _json(text):
        try:
            value = json.loads(text)
        except ValueError as error:
            raise TransportError(f"unreadable answer: {text[:200]}") from error
        if not isinstance(value, dict):
            raise TransportError(f"unreadable answer: {text[:200]}")
        return value

    def _post(self, method, body, token):
        query = {
            "senid": secrets.token_hex(16),
            "nonce": f"{secrets.randbelow(10**8):08d}",
            "timestamp": str(int(time.time())),
            "appkey": self.app_key,
        }
        headers = {
            "Content-Type": "application/json",
            "X-Nuonuo-Sign": sign(
                self.app_secret, SERVICES, self.app_key, *list(query.values())[:3], body
            ),
            "accessToken": token,
            "userTax": self.user_tax,
            "method": method,
        }
        text = self._request(
            method, body, SERVICES, params=query, data=body.encode(), headers=headers
        )
        return self._json(text)

    # ------------------------------------------------------------ services
    def call(self, method, content):
        """The ``result`` of ``method`` (the nuonuo.OpeMplatform. prefix may be left out)."""
        if not method.startswith(PREFIX):
            method = PREFIX + method
        body = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        token = self._token()
        answer = self._post(method, body, token)
        if answer.get("code") == TOKEN_INVALID:  # expired: once more with a new one
            answer = self._post(method, body, self._refresh(token))
        code, describe = answer.get("code"), answer.get("describe") or ""
        if code == OK:
            return answer.get("result")
        if code in (TOKEN_INVALID, RATE_LIMITED):
            raise TransportError(f"{code}: {describe}")
        if code == DUPLICATE:
            raise Duplicate(code, describe)
        raise PlatformError(code or "?", describe or json.dumps(answer, ensure_ascii=False))

    def issue(self, order):
        """Ask for a blue invoice (the requestBillingNew ``order``): its serial number."""
        return self.call("requestBillingNew", {"order": order})["invoiceSerialNum"]

    def query(self, order_nos=(), serials=()):
        """[Result] of the invoices of these order or serial numbers the platform knows."""
        content = {}
        if serials:
            content["serialNos"] = list(serials)
        if order_nos:
            content["orderNos"] = list(order_nos)
        return [result(item) for item in self.call("queryInvoiceResult", content) or []]

    def _found(self, order_no):
        found = self.query(order_nos=[order_no])
        return found[0] if found else None

    def issue_once(self, order):
        """Issue ``order`` unless the platform has it already: its Result (state "issuing"
        when just asked for), or None when the platform refused it as a duplicate and then
        showed nothing (ask again later)."""
        try:
            serial = self.issue(order)
        except Duplicate:
            return self._found(order["orderNo"])
        return Result(order["orderNo"], serial, "issuing", raw={"invoiceSerialNum": serial})

    def apply_red(self, order_no, blue_number, reason, amount):
        """Apply for a red confirmation taking back ``amount`` (tax included, positive) of
        blue invoice ``blue_number`` for ``reason`` (1 开票有误, 2 销货退回, 3 服务中止,
        4 销售折让); ``order_no`` is our key of the application. A duplicate is looked up."""
        content = {
            "orderNo": order_no,
            "blueInvoiceNumber": blue_number,
            "redReason": str(reason),
            "redAmount": str(Decimal(str(amount)).quantize(Decimal("0.01"))),
            "applySource": "0",
        }
        try:
            answer = self.call("saveInvoiceRedConfirm", content)
        except Duplicate:
            return self.query_red(order_no=order_no)
        return red_bill({**answer, "orderNo": order_no})

    def query_red(self, bill_no=None, order_no=None):
        """The red confirmation of this bill or order number, or None."""
        content = {"billNo": bill_no} if bill_no else {"orderNo": order_no}
        found = self.call("queryInvoiceRedConfirm", content) or []
        return red_bill(found[0]) if found else None

    def issue_red(self, order_no, bill_no):
        """Issue the red invoice of a confirmed bill under our ``order_no``: its Result, as
        ``issue_once`` answers."""
        content = {"orderNo": order_no, "billNo": bill_no, "taxNum": self.user_tax}
        try:
            serial = self.call("fastInvoiceRed", content)["invoiceSerialNum"]
        except Duplicate:
            return self._found(order_no)
        return Result(order_no, serial, "issuing", raw={"invoiceSerialNum": serial})

    def download(self, url):
        """The bytes of an invoice file (pdfUrl, ofdUrl, xmlUrl)."""
        try:
            answer = self.session.get(url, timeout=self.timeout)
        except requests.exceptions.RequestException as error:
            raise TransportError(f"download {url}: {error.__class__.__name__}") from error
        if answer.status_code != 200:
            raise TransportError(f"download {url}: HTTP {answer.status_code}")
        return answer.content
