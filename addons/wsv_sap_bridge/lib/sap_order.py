"""A contract as an SAP sales order: the BAPI payload, and sending it exactly once.

``send`` first looks the order up by its purchase order number (our contract number, which
travels as PURCH_NO_C): when an earlier attempt created the order and its answer was lost,
the order is found and never created twice. Then ``BAPI_SALESORDER_CREATEFROMDAT2`` and
``BAPI_TRANSACTION_COMMIT`` in the same SAP session (one HTTP session: SAP keeps the
transaction under its ``sap-contextid`` cookie).

Errors come in two kinds: ``TransportError`` (time-outs, HTTP errors, SOAP faults, an answer
that never came: try again later) and ``BusinessError`` (SAP's RETURN of type E or A: the
data must be fixed first; retrying changes nothing).
"""

import dataclasses
import datetime
import importlib
import importlib.util
import threading
from decimal import Decimal

import requests
import zeep
import zeep.exceptions
from lxml import etree
from zeep.cache import InMemoryCache
from zeep.plugins import Plugin
from zeep.transports import Transport

# a shared cache: every client of one process reads the WSDL once
_WSDL_CACHE = InMemoryCache(timeout=3600)
# parsed clients, one per thread (zeep parses a WSDL in milliseconds, once per order adds up)
_CLIENTS = threading.local()


class TransportError(Exception):
    """SAP did not answer usably: the call may be repeated."""


class BusinessError(Exception):
    """SAP refused the order (RETURN type E or A): ``messages`` says why."""

    def __init__(self, messages):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclasses.dataclass(frozen=True)
class Item:
    number: int  # 10, 20, ... as SAP numbers items
    material: str
    qty: Decimal
    price: Decimal
    unit: str = ""
    discount_percent: Decimal = Decimal(0)
    text: str = ""


@dataclasses.dataclass(frozen=True)
class Order:
    purch_no: str  # the contract number: the key that makes sending idempotent
    purch_date: datetime.date
    req_date: datetime.date
    doc_type: str
    sales_org: str
    distr_chan: str
    division: str
    sold_to: str
    ship_to: str
    currency: str
    items: tuple
    payment_terms: str = ""
    incoterms1: str = ""
    incoterms2: str = ""
    price_condition: str = "PR00"
    discount_condition: str = "K007"
    # a change order (a supplementary contract) refers to the SAP order it changes
    ref_doc: str = ""


def payload(order):
    """The keyword arguments of BAPI_SALESORDER_CREATEFROMDAT2 for ``order``."""
    item_no = lambda item: f"{item.number:06d}"  # noqa: E731
    conditions = []
    for item in order.items:
        conditions.append(
            {
                "ITM_NUMBER": item_no(item),
                "COND_TYPE": order.price_condition,
                "COND_VALUE": item.price,
                "CURRENCY": order.currency,
            }
        )
        if item.discount_percent:
            conditions.append(
                {
                    "ITM_NUMBER": item_no(item),
                    "COND_TYPE": order.discount_condition,
                    "COND_VALUE": item.discount_percent,
                    "CURRENCY": "",
                }
            )
    return {
        "ORDER_HEADER_IN": {
            "DOC_TYPE": order.doc_type,
            "SALES_ORG": order.sales_org,
            "DISTR_CHAN": order.distr_chan,
            "DIVISION": order.division,
            "PURCH_NO_C": order.purch_no,
            "PURCH_DATE": order.purch_date.isoformat(),
            "REQ_DATE_H": order.req_date.isoformat(),
            "PMNTTRMS": order.payment_terms,
            "INCOTERMS1": order.incoterms1,
            "INCOTERMS2": order.incoterms2,
            "REF_DOC": order.ref_doc,
            "REFDOC_CAT": "C" if order.ref_doc else "",  # C: a sales order
        },
        "ORDER_PARTNERS": {
            "item": [
                {"PARTN_ROLE": "AG", "PARTN_NUMB": order.sold_to},
                {"PARTN_ROLE": "WE", "PARTN_NUMB": order.ship_to or order.sold_to},
            ]
        },
        "ORDER_ITEMS_IN": {
            "item": [
                {
                    "ITM_NUMBER": item_no(item),
                    "MATERIAL": item.material,
                    "TARGET_QTY": item.qty,
                    "SALES_UNIT": item.unit,
                    "SHORT_TEXT": item.text[:40],
                }
                for item in order.items
            ]
        },
        "ORDER_SCHEDULES_IN": {
            "item": [
                {
                    "ITM_NUMBER": item_no(item),
                    "SCHED_LINE": "0001",
                    "REQ_DATE": order.req_date.isoformat(),
                    "REQ_QTY": item.qty,
                }
                for item in order.items
            ]
        },
        "ORDER_CONDITIONS_IN": {"item": conditions},
    }


class _Recorder(Plugin):
    """Keeps the SOAP envelopes of one session, for the attempt log."""

    def __init__(self):
        self.exchanges = []

    def egress(self, envelope, http_headers, operation, binding_options):
        self.exchanges.append([operation.name, _xml(envelope), None])
        return envelope, http_headers

    def ingress(self, envelope, http_headers, operation):
        if self.exchanges:
            self.exchanges[-1][2] = _xml(envelope)
        return envelope, http_headers


def _xml(envelope):
    return etree.tostring(envelope, encoding="unicode", pretty_print=True)


class Connection:
    """The SAP service in one SAP session: its operations as attributes, and what was sent
    and answered (``exchanges``: [operation, request, answer or None])."""

    def __init__(self, client, recorder):
        self._service, self._recorder = client.service, recorder

    def __getattr__(self, name):
        return getattr(self._service, name)

    @property
    def exchanges(self):
        return [tuple(exchange) for exchange in self._recorder.exchanges]


def service(wsdl_url, timeout, auth=None, sap_client=None):
    """The SAP SOAP service in a new SAP session (a fresh HTTP session: SAP's transaction
    lives under its cookie), every operation bounded by ``timeout`` seconds, logged on with
    ``auth`` (user, password) in SAP client (mandant) ``sap_client``. The WSDL is read and
    parsed once per process and thread."""
    clients = _CLIENTS.__dict__.setdefault("clients", {})
    key = (wsdl_url, timeout, auth, sap_client)
    client = clients.get(key)
    if client is None:
        session = requests.Session()
        session.auth = auth
        if sap_client:
            session.params = {"sap-client": sap_client}
        transport = Transport(
            session=session, cache=_WSDL_CACHE, timeout=timeout, operation_timeout=timeout
        )
        try:
            client = clients[key] = zeep.Client(
                wsdl_url, transport=transport, plugins=[_Recorder()]
            )
        except (requests.exceptions.RequestException, zeep.exceptions.Error) as error:
            raise TransportError(f"WSDL {wsdl_url}: {error}") from error
    # a new SAP session: what an abandoned attempt left uncommitted is never committed here
    client.transport.session.cookies.clear()
    recorder = client.plugins[0]
    recorder.exchanges = []
    return Connection(client, recorder)


def rfc_available():
    """Whether SAP's RFC library (pyrfc, with SAP's NW RFC SDK) is installed here."""
    return importlib.util.find_spec("pyrfc") is not None


class RfcConnection:
    """The same function modules over SAP's RFC protocol, for a server with pyrfc: the
    library loads only here, so a server without it reports RFC unavailable and runs.
    Tables travel as lists in RFC and as ``{"item": [...]}`` in SOAP: converted both ways,
    so ``find``, ``send`` and ``status`` work on either."""

    def __init__(self, **params):
        try:
            pyrfc = importlib.import_module("pyrfc")
        except ImportError as error:
            # (no retry helps: the server needs the library first)
            raise BusinessError(
                ["RFC: the pyrfc library is not installed on this server"]
            ) from error
        self._errors = (pyrfc.CommunicationError, pyrfc.LogonError, pyrfc.ABAPRuntimeError)
        self._business = pyrfc.ABAPApplicationError
        try:
            self._connection = pyrfc.Connection(**params)
        except self._errors as error:
            raise TransportError(f"RFC: {error}") from error
        self.exchanges = []

    def __getattr__(self, name):
        def call(**kwargs):
            args = {
                key: value["item"] if isinstance(value, dict) and set(value) == {"item"} else value
                for key, value in kwargs.items()
            }
            try:
                result = self._connection.call(name, **args)
            except self._errors as error:
                self.exchanges.append((name, repr(args), None))
                raise TransportError(f"RFC: {error}") from error
            except self._business as error:
                self.exchanges.append((name, repr(args), str(error)))
                raise BusinessError([f"RFC: {error}"]) from error
            self.exchanges.append((name, repr(args), repr(result)))
            return {k: {"item": v} if isinstance(v, list) else v for k, v in result.items()}

        return call


def _items(table):
    return list(table["item"]) if table and table["item"] else []


def _call(operation, **kwargs):
    try:
        return operation(**kwargs)
    except zeep.exceptions.Fault as error:
        raise TransportError(f"SOAP fault: {error.message}") from error
    except zeep.exceptions.TransportError as error:
        raise TransportError(f"HTTP {error.status_code}") from error
    except requests.exceptions.Timeout as error:
        raise TransportError("no answer in time") from error
    except requests.exceptions.RequestException as error:
        raise TransportError(f"connection: {error.__class__.__name__}") from error
    except zeep.exceptions.Error as error:
        raise TransportError(f"unreadable answer: {error}") from error


def find(sap, purch_no, sold_to, sales_org):
    """The SAP order numbers carrying ``purch_no`` for this customer and sales organisation
    (none, or the one sent earlier). A lookup SAP refuses is no "not found": it raises, so
    nothing is created on a guess."""
    answer = _call(
        sap.BAPI_SALESORDER_GETLIST,
        CUSTOMER_NUMBER=sold_to,
        SALES_ORGANIZATION=sales_org,
        PURCHASE_ORDER_NUMBER=purch_no,
    )
    status = answer["RETURN"]
    if status is not None and status["TYPE"] in ("E", "A"):
        raise BusinessError([f"{status['ID']} {status['NUMBER']}: {status['MESSAGE']}"])
    return [
        row["SD_DOC"]
        for row in _items(answer["SALES_ORDERS"])
        if row["PURCH_NO"] == purch_no and row["SOLD_TO"] in (sold_to, "", None)
    ]


def ping(sap):
    """Whether SAP answers at all (any answer, an error included): for a connection test."""
    _call(sap.BAPI_SALESORDER_GETLIST, PURCHASE_ORDER_NUMBER="")
    return True


def send(sap, order):
    """Create ``order`` in SAP unless it is there already: (SAP order number, created?)."""
    existing = find(sap, order.purch_no, order.sold_to, order.sales_org)
    if existing:
        return existing[0], False
    answer = _call(sap.BAPI_SALESORDER_CREATEFROMDAT2, **payload(order))
    errors = [
        f"{r['ID']} {r['NUMBER']}: {r['MESSAGE']}"
        for r in _items(answer["RETURN"])
        if r["TYPE"] in ("E", "A")
    ]
    if errors or not answer["SALESDOCUMENT"]:
        raise BusinessError(errors or ["SAP returned no sales document"])
    # (zeep answers a one-field response with the field itself: the BAPIRET2; RFC a dict)
    status = _call(sap.BAPI_TRANSACTION_COMMIT, WAIT="X")
    if status is not None and "RETURN" in status:
        status = status["RETURN"]
    if status is not None and status["TYPE"] in ("E", "A"):
        # nothing committed: the next attempt finds no order and creates it again
        raise TransportError(f"commit refused: {status['MESSAGE']}")
    return answer["SALESDOCUMENT"], True


@dataclasses.dataclass(frozen=True)
class Status:
    """What SAP holds on an order after it was created."""

    delivery: str  # A not delivered, B partly, C completely (SAP's status letters)
    billing: str
    # delivery note -> (date, {item number: quantity})
    deliveries: dict
    production: dict  # item number -> production order number


def status(sap, numbers):
    """{SAP order number: Status} for the orders of ``numbers`` that SAP knows."""
    answer = _call(
        sap.Z_WSV_SALESORDER_STATUS, SALES_DOCUMENTS={"item": [{"VBELN": n} for n in numbers]}
    )
    result = {}
    for row in _items(answer["STATUS"]):
        result[row["SD_DOC"]] = Status(row["DLV_STAT_H"], row["BILL_STAT_H"], {}, {})
    for row in _items(answer["DELIVERIES"]):
        if row["SD_DOC"] in result:
            date, items = result[row["SD_DOC"]].deliveries.setdefault(
                row["DELIV_NUMB"], (row["DELIV_DATE"], {})
            )
            items[row["ITM_NUMBER"]] = items.get(row["ITM_NUMBER"], 0) + row["DLV_QTY"]
    for row in _items(answer["PROD_ORDERS"]):
        if row["SD_DOC"] in result:
            result[row["SD_DOC"]].production[row["ITM_NUMBER"]] = row["ORDERID"]
    return result
