"""SAP simulator: the sales-order function modules over SOAP, as SAP's SOAP runtime serves
them (document/literal, namespace urn:sap-com:document:sap:rfc:functions; sap.wsdl).

- ``BAPI_SALESORDER_CREATEFROMDAT2`` books an order in the caller's SAP session (the
  ``sap-contextid`` cookie); ``BAPI_TRANSACTION_COMMIT`` in the same session makes it real.
  An order never committed is gone, as in SAP.
- ``BAPI_SALESORDER_GETLIST`` finds orders by PURCHASE_ORDER_NUMBER (our contract number).
- ``Z_WSV_SALESORDER_STATUS`` (the plant's own function module) gives per order its delivery
  and billing status, its deliveries per item and the production orders of its items.
  ``POST /_sim/update`` plays SAP's side of them: ``{"number": "0005000001",
  "deliveries": [{"delivery": "80000001", "date": "2026-12-01", "items": {"000010": 5}}],
  "production": {"000010": "1000123"}, "billing": "C"}``.
- With ``auth`` (``WSV_SAP_AUTH=user:password``) every SOAP call needs that HTTP Basic login.
- Orders live in SQLite (``WSV_SAP_DB``), so a restart keeps them.
- ``GET /_sim/orders``: every order, with its PURCH_NO_C, items and how many orders carry
  that PURCH_NO_C (``creation_count``: 1 when nothing was duplicated).
- Faults, by switch (``WSV_SAP_FAULTS`` when it starts, or ``POST /_sim/faults``; JSON):
  ``{"rate": 0.3, "kinds": ["timeout", "http500", "soapfault", "return_e", "drop"],
  "delay": 5, "seed": 1, "outage_seconds": 120}``. A share ``rate`` of requests gets one of
  ``kinds``: answered after ``delay`` seconds (the work done after the wait, as SAP finishes
  what a client gave up on), HTTP 500, a SOAP fault asking to try again, a RETURN of type E,
  or (on a commit) the order committed and the answer dropped. ``outage_seconds`` answers
  every request with HTTP 503 for that long. ``POST /_sim/reset`` forgets every order.
"""

import base64
import http.server
import json
import os
import pathlib
import random
import sqlite3
import sys
import threading
import time
import urllib.parse
import uuid
from xml.etree import ElementTree as ET

NS = "urn:sap-com:document:sap:rfc:functions"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
PATH = "/sap/bc/srt/rfc/sap/zwsv_salesorder"
WSDL = (pathlib.Path(__file__).parent / "sap.wsdl").read_text(encoding="utf-8")
FAULT_KINDS = ("timeout", "http500", "soapfault", "return_e", "drop")
TABLES = {
    "ORDER_PARTNERS": ("PARTN_ROLE", "PARTN_NUMB"),
    "ORDER_ITEMS_IN": ("ITM_NUMBER", "MATERIAL", "TARGET_QTY", "SALES_UNIT", "SHORT_TEXT"),
    "ORDER_SCHEDULES_IN": ("ITM_NUMBER", "SCHED_LINE", "REQ_DATE", "REQ_QTY"),
    "ORDER_CONDITIONS_IN": ("ITM_NUMBER", "COND_TYPE", "COND_VALUE", "CURRENCY"),
}
HEADER = (
    "DOC_TYPE",
    "SALES_ORG",
    "DISTR_CHAN",
    "DIVISION",
    "PURCH_NO_C",
    "PURCH_DATE",
    "REQ_DATE_H",
    "PMNTTRMS",
    "INCOTERMS1",
    "INCOTERMS2",
    "REF_DOC",
    "REFDOC_CAT",
)


class Store:
    """The committed orders, in SQLite; one lock, since the server is threaded."""

    def __init__(self, path):
        self.lock = threading.Lock()
        self.db = sqlite3.connect(path, check_same_thread=False)
        # durable across a restart of the process, without a disk flush per order
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, number TEXT UNIQUE,"
            " purch_no TEXT, sold_to TEXT, created REAL, payload TEXT)"
        )
        self.db.execute("CREATE INDEX IF NOT EXISTS orders_purch_no ON orders (purch_no)")
        self.db.execute("CREATE TABLE IF NOT EXISTS numbers (last INTEGER)")
        # what happened to an order in SAP after it was created (deliveries, production...)
        self.db.execute("CREATE TABLE IF NOT EXISTS events (number TEXT PRIMARY KEY, data TEXT)")
        if not self.db.execute("SELECT 1 FROM numbers").fetchone():
            self.db.execute("INSERT INTO numbers VALUES (5000000)")
        self.db.commit()

    def reserve(self):
        """The next document number: SAP numbers an order when it is created; an order
        never committed leaves a gap, as in SAP."""
        with self.lock:
            self.db.execute("UPDATE numbers SET last = last + 1")
            (last,) = self.db.execute("SELECT last FROM numbers").fetchone()
            self.db.commit()
            return f"{last:010d}"

    def add(self, orders):
        with self.lock:
            self.db.executemany(
                "INSERT INTO orders (number, purch_no, sold_to, created, payload)"
                " VALUES (?,?,?,?,?)",
                [
                    (o["number"], o["purch_no"], o["sold_to"], time.time(), json.dumps(o))
                    for o in orders
                ],
            )
            self.db.commit()
        return [order["number"] for order in orders]

    def find(self, purch_no, sold_to, sales_org, client):
        """The orders of this customer, sales organisation and SAP client with this
        purchase order number (as GETLIST selects: another customer's order with the same
        number is not this one)."""
        with self.lock:
            rows = self.db.execute(
                "SELECT number, purch_no, sold_to, created, payload FROM orders"
                " WHERE purch_no = ? AND sold_to = ? ORDER BY id",
                (purch_no, sold_to),
            ).fetchall()
        found = []
        for number, purch, customer, created, payload in rows:
            order = json.loads(payload)
            if (
                order["ORDER_HEADER_IN"]["SALES_ORG"] == sales_org
                and order.get("client", "") == client
            ):
                found.append((number, purch, customer, created))
        return found

    def all(self):
        with self.lock:
            rows = self.db.execute(
                "SELECT o.number, o.purch_no, o.payload,"
                " (SELECT count(*) FROM orders d WHERE d.purch_no = o.purch_no)"
                " FROM orders o ORDER BY o.id"
            ).fetchall()
        return [
            {
                "number": number,
                "purch_no": purch_no,
                "client": json.loads(payload).get("client", ""),
                "header": json.loads(payload)["ORDER_HEADER_IN"],
                "items": json.loads(payload)["ORDER_ITEMS_IN"],
                "creation_count": count,
            }
            for number, purch_no, payload, count in rows
        ]

    def update(self, number, change):
        """Record SAP's own steps on an order: deliveries added, production orders and the
        billing status set. False when there is no such order."""
        with self.lock:
            if not self.db.execute("SELECT 1 FROM orders WHERE number = ?", (number,)).fetchone():
                return False
            row = self.db.execute("SELECT data FROM events WHERE number = ?", (number,)).fetchone()
            data = json.loads(row[0]) if row else {"deliveries": [], "production": {}}
            data["deliveries"] += change.get("deliveries", [])
            data["production"].update(change.get("production", {}))
            if change.get("billing"):
                data["billing"] = change["billing"]
            self.db.execute(
                "INSERT OR REPLACE INTO events VALUES (?, ?)", (number, json.dumps(data))
            )
            self.db.commit()
            return True

    def status(self, number):
        """(order payload, events) of an order, or None."""
        with self.lock:
            row = self.db.execute(
                "SELECT o.payload, e.data FROM orders o LEFT JOIN events e"
                " ON e.number = o.number WHERE o.number = ?",
                (number,),
            ).fetchone()
        if not row:
            return None
        return json.loads(row[0]), json.loads(row[1] or '{"deliveries": [], "production": {}}')

    def reset(self):
        with self.lock:
            self.db.execute("DELETE FROM orders")
            self.db.execute("DELETE FROM events")
            self.db.commit()


class Faults:
    """Which fault, if any, the next request gets."""

    def __init__(self, settings=None):
        self.lock = threading.Lock()
        self.set(settings or {})

    def set(self, settings):
        kinds = settings.get("kinds") or list(FAULT_KINDS)
        unknown = set(kinds) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {sorted(unknown)}")
        rate = float(settings.get("rate", 0))
        if not 0 <= rate <= 1:
            raise ValueError("rate must be between 0 and 1")
        with self.lock:
            self.rate, self.kinds = rate, list(kinds)
            self.delay = float(settings.get("delay", 5))
            self.random = random.Random(settings.get("seed"))
            outage = float(settings.get("outage_seconds", 0))
            self.outage_until = time.time() + outage if outage else 0.0

    def state(self):
        with self.lock:
            return {
                "rate": self.rate,
                "kinds": self.kinds,
                "delay": self.delay,
                "outage_left": max(0.0, self.outage_until - time.time()),
            }

    def draw(self):
        with self.lock:
            if time.time() < self.outage_until:
                return "outage"
            if self.rate and self.random.random() < self.rate:
                return self.random.choice(self.kinds)
            return None


def _text(parent, name):
    node = parent.find(name)
    return (node.text or "").strip() if node is not None else ""


def _table(parent, name, fields):
    node = parent.find(name)
    if node is None:
        return []
    return [{f: _text(item, f) for f in fields} for item in node.findall("item")]


def _return_item(kind, message, number="000", msg_id="V1"):
    return (
        f"<item><TYPE>{kind}</TYPE><ID>{msg_id}</ID><NUMBER>{number}</NUMBER>"
        f"<MESSAGE>{_escape(message)}</MESSAGE></item>"
    )


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _envelope(body):
    return (
        f'<?xml version="1.0" encoding="utf-8"?><soap-env:Envelope xmlns:soap-env="{SOAP_ENV}">'
        f"<soap-env:Header/><soap-env:Body>{body}</soap-env:Body></soap-env:Envelope>"
    ).encode()


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # a client that gave up (its time-out, an injected drop) is no error of SAP's
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def __init__(self, address, store, faults, auth=None):
        super().__init__(address, Handler)
        self.store, self.faults = store, faults
        self.auth = "Basic " + base64.b64encode(auth.encode()).decode() if auth else None
        self.sessions = {}  # sap-contextid -> orders booked, not yet committed
        self.sessions_lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body leave in separate writes: without this, Nagle's algorithm and the
    # client's delayed ACK hold every answer for 40 ms
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # quiet: tests and benchmarks send thousands
        pass

    # ------------------------------------------------------------ plumbing
    def _send(self, status, body, content_type="text/xml; charset=utf-8", cookie=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if cookie:
            self.send_header("Set-Cookie", f"sap-contextid={cookie}; Path=/")
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status, value):
        self._send(status, json.dumps(value).encode(), "application/json")

    def _sap_client(self):
        """The SAP client (mandant) the call went to: ?sap-client=NNN; orders keep it."""
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        return query.get("sap-client", [""])[0]

    def _context(self):
        for part in self.headers.get("Cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == "sap-contextid" and value:
                return value, None
        new = uuid.uuid4().hex
        return new, new

    # ------------------------------------------------------------ GET
    def do_GET(self):
        path, _, query = self.path.partition("?")
        if path == PATH and "wsdl" in query.lower().split("&"):
            host, port = self.server.server_address[:2]
            wsdl = WSDL.replace("@ADDRESS@", f"http://{host}:{port}{PATH}")
            self._send(200, wsdl.encode())
        elif self.path == "/_sim/orders":
            self._json(200, self.server.store.all())
        elif self.path == "/_sim/faults":
            self._json(200, self.server.faults.state())
        else:
            self._send(404, b"not found", "text/plain")

    # ------------------------------------------------------------ POST
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path == "/_sim/faults":
            try:
                self.server.faults.set(json.loads(body or b"{}"))
            except (ValueError, TypeError) as error:
                return self._json(400, {"error": str(error)})
            return self._json(200, self.server.faults.state())
        if self.path == "/_sim/reset":
            self.server.store.reset()
            return self._json(200, {"orders": 0})
        if self.path == "/_sim/update":
            try:
                change = json.loads(body or b"{}")
                found = self.server.store.update(str(change["number"]), change)
            except (ValueError, TypeError, KeyError, AttributeError) as error:
                return self._json(400, {"error": str(error)})
            return self._json(200 if found else 404, {"found": found})
        # the SAP client (mandant) travels as ?sap-client=NNN, as SAP's SOAP runtime takes it
        if self.path.split("?", 1)[0] != PATH:
            return self._send(404, b"not found", "text/plain")
        if self.server.auth and self.headers.get("Authorization") != self.server.auth:
            return self._send(401, b"Logon failed", "text/plain")
        fault = self.server.faults.draw()
        if fault == "outage":
            return self._send(503, b"Service unavailable", "text/plain")
        if fault == "http500":
            return self._send(500, b"<html>500 Internal Server Error</html>", "text/html")
        if fault == "soapfault":
            return self._send(500, self._soap_fault("System temporarily busy, try again"))
        if fault == "timeout":
            time.sleep(self.server.faults.delay)
        try:
            call = ET.fromstring(body).find(f"{{{SOAP_ENV}}}Body")[0]
        except (ET.ParseError, TypeError, IndexError):
            return self._send(500, self._soap_fault("Malformed SOAP request", "Client"))
        name = call.tag.rsplit("}", 1)[-1]
        context, new_cookie = self._context()
        handler = {
            "BAPI_SALESORDER_CREATEFROMDAT2": self._create,
            "BAPI_TRANSACTION_COMMIT": self._commit,
            "BAPI_SALESORDER_GETLIST": self._getlist,
            "Z_WSV_SALESORDER_STATUS": self._status,
        }.get(name)
        if not handler:
            return self._send(500, self._soap_fault(f"Function {name} not found", "Client"))
        answer = handler(call, context, fault)
        if answer is None:  # the answer is dropped: the connection closes without one
            self.close_connection = True
            return None
        return self._send(200, _envelope(answer), cookie=new_cookie)

    def _soap_fault(self, message, code="Server"):
        return _envelope(
            f"<soap-env:Fault><faultcode>soap-env:{code}</faultcode>"
            f"<faultstring>{_escape(message)}</faultstring></soap-env:Fault>"
        )

    # ------------------------------------------------------------ function modules
    def _create(self, call, context, fault):
        response = f"<n0:BAPI_SALESORDER_CREATEFROMDAT2.Response xmlns:n0='{NS}'>"
        header_node = call.find("ORDER_HEADER_IN")
        header = {f: _text(header_node, f) for f in HEADER} if header_node is not None else {}
        tables = {name: _table(call, name, fields) for name, fields in TABLES.items()}
        errors = []
        if fault == "return_e":
            errors.append(("E", "Simulated business error (injected fault)", "V1", "999"))
        if not header.get("SALES_ORG"):
            errors.append(("E", "Sales organization is missing", "V1", "382"))
        if not header.get("PURCH_NO_C"):
            errors.append(("E", "Purchase order number is missing", "V1", "383"))
        sold_to = [p for p in tables["ORDER_PARTNERS"] if p["PARTN_ROLE"] == "AG"]
        if not sold_to or not sold_to[0]["PARTN_NUMB"]:
            errors.append(("E", "Sold-to party (AG) is missing", "V1", "384"))
        if not tables["ORDER_ITEMS_IN"]:
            errors.append(("E", "No items in the order", "V1", "385"))
        for item in tables["ORDER_ITEMS_IN"]:
            if not item["MATERIAL"]:
                errors.append(("E", f"Item {item['ITM_NUMBER']}: no material", "V1", "386"))
        if errors:
            returns = "".join(_return_item(t, m, n, i) for t, m, i, n in errors)
            return (
                response
                + f"<SALESDOCUMENT></SALESDOCUMENT><RETURN>{returns}</RETURN>"
                + ("</n0:BAPI_SALESORDER_CREATEFROMDAT2.Response>")
            )
        number = self.server.store.reserve()
        order = {
            "number": number,
            "client": self._sap_client(),
            "purch_no": header["PURCH_NO_C"],
            "sold_to": sold_to[0]["PARTN_NUMB"],
            "ORDER_HEADER_IN": header,
            **tables,
        }
        with self.server.sessions_lock:
            self.server.sessions.setdefault(context, []).append(order)
        returns = _return_item("S", f"Standard Order {number} has been saved", "311")
        return (
            response
            + f"<SALESDOCUMENT>{number}</SALESDOCUMENT><RETURN>{returns}</RETURN>"
            + "</n0:BAPI_SALESORDER_CREATEFROMDAT2.Response>"
        )

    def _commit(self, call, context, fault):
        with self.server.sessions_lock:
            pending = self.server.sessions.pop(context, [])
        numbers = self.server.store.add(pending)
        if fault == "drop":
            return None
        message = f"Committed: {', '.join(numbers)}" if numbers else "Nothing to commit"
        return (
            f"<n0:BAPI_TRANSACTION_COMMIT.Response xmlns:n0='{NS}'><RETURN>"
            f"<TYPE>S</TYPE><ID></ID><NUMBER>000</NUMBER><MESSAGE>{message}</MESSAGE>"
            "</RETURN></n0:BAPI_TRANSACTION_COMMIT.Response>"
        )

    def _getlist(self, call, context, fault):
        # as in SAP, the customer and the sales organisation are mandatory
        purch_no = _text(call, "PURCHASE_ORDER_NUMBER")
        customer, sales_org = _text(call, "CUSTOMER_NUMBER"), _text(call, "SALES_ORGANIZATION")
        items = returned = ""
        if not customer or not sales_org:
            returned = (
                "<TYPE>E</TYPE><ID>V1</ID><NUMBER>020</NUMBER>"
                "<MESSAGE>Enter the customer number and the sales organization</MESSAGE>"
            )
        elif purch_no:
            rows = self.server.store.find(purch_no, customer, sales_org, self._sap_client())
            items = "".join(
                f"<item><SD_DOC>{number}</SD_DOC><PURCH_NO>{_escape(purch)}</PURCH_NO>"
                f"<DOC_DATE>{time.strftime('%Y-%m-%d', time.localtime(created))}</DOC_DATE>"
                f"<SOLD_TO>{_escape(sold_to)}</SOLD_TO></item>"
                for number, purch, sold_to, created in rows
            )
        return (
            f"<n0:BAPI_SALESORDER_GETLIST.Response xmlns:n0='{NS}'><RETURN>{returned}</RETURN>"
            f"<SALES_ORDERS>{items}</SALES_ORDERS></n0:BAPI_SALESORDER_GETLIST.Response>"
        )

    def _status(self, call, context, fault):
        status = deliveries = production = ""
        for key in call.findall("SALES_DOCUMENTS/item"):
            number = _text(key, "VBELN")
            found = self.server.store.status(number)
            if not found:
                continue
            order, events = found
            ordered = {
                i["ITM_NUMBER"]: float(i["TARGET_QTY"] or 0) for i in order["ORDER_ITEMS_IN"]
            }
            shipped = dict.fromkeys(ordered, 0.0)
            for delivery in events["deliveries"]:
                for item, qty in delivery["items"].items():
                    shipped[item] = shipped.get(item, 0.0) + float(qty)
                    deliveries += (
                        f"<item><SD_DOC>{number}</SD_DOC>"
                        f"<DELIV_NUMB>{_escape(str(delivery['delivery']))}</DELIV_NUMB>"
                        f"<DELIV_DATE>{_escape(str(delivery['date']))}</DELIV_DATE>"
                        f"<ITM_NUMBER>{_escape(item)}</ITM_NUMBER><DLV_QTY>{qty}</DLV_QTY></item>"
                    )
            # A: not delivered, B: partly, C: completely (SAP's overall status letters)
            if not any(shipped.values()):
                dlv = "A"
            elif all(shipped[i] >= q for i, q in ordered.items()):
                dlv = "C"
            else:
                dlv = "B"
            status += (
                f"<item><SD_DOC>{number}</SD_DOC><DLV_STAT_H>{dlv}</DLV_STAT_H>"
                f"<BILL_STAT_H>{events.get('billing', 'A')}</BILL_STAT_H></item>"
            )
            production += "".join(
                f"<item><SD_DOC>{number}</SD_DOC><ITM_NUMBER>{_escape(item)}</ITM_NUMBER>"
                f"<ORDERID>{_escape(str(orderid))}</ORDERID></item>"
                for item, orderid in sorted(events["production"].items())
            )
        return (
            f"<n0:Z_WSV_SALESORDER_STATUS.Response xmlns:n0='{NS}'>"
            f"<STATUS>{status}</STATUS><DELIVERIES>{deliveries}</DELIVERIES>"
            f"<PROD_ORDERS>{production}</PROD_ORDERS></n0:Z_WSV_SALESORDER_STATUS.Response>"
        )


def make_server(host="127.0.0.1", port=8072, database=None, faults=None, auth=None):
    """A bound, not yet serving, simulator; run serve_forever() in a thread."""
    database = (
        database
        or os.environ.get("WSV_SAP_DB")
        or str(
            pathlib.Path(os.environ.get("WSV_HOME", pathlib.Path.home() / ".cache/wsv_crm"))
            / "sap-simulator.sqlite"
        )
    )
    pathlib.Path(database).parent.mkdir(parents=True, exist_ok=True)
    settings = (
        faults if faults is not None else json.loads(os.environ.get("WSV_SAP_FAULTS") or "{}")
    )
    auth = auth if auth is not None else os.environ.get("WSV_SAP_AUTH")
    return Server((host, port), Store(database), Faults(settings), auth)
