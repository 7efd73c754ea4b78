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
import threading
from decimal import Decimal

import requests
import zeep
import zeep.exceptions
from zeep.cache import InMemoryCache
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


def service(wsdl_url, timeout):
    """The SAP SOAP service in a new SAP session (a fresh HTTP session: SAP's transaction
    lives under its cookie), every operation bounded by ``timeout`` seconds. The WSDL is read
    and parsed once per process and thread."""
    clients = _CLIENTS.__dict__.setdefault("clients", {})
    client = clients.get((wsdl_url, timeout))
    if client is None:
        transport = Transport(
            session=requests.Session(),
            cache=_WSDL_CACHE,
            timeout=timeout,
            operation_timeout=timeout,
        )
        try:
            client = clients[wsdl_url, timeout] = zeep.Client(wsdl_url, transport=transport)
        except (requests.exceptions.RequestException, zeep.exceptions.Error) as error:
            raise TransportError(f"WSDL {wsdl_url}: {error}") from error
    # a new SAP session: what an abandoned attempt left uncommitted is never committed here
    client.transport.session.cookies.clear()
    return client.service


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


def find(sap, purch_no):
    """The SAP order numbers carrying ``purch_no`` (none, or the one sent earlier)."""
    answer = _call(sap.BAPI_SALESORDER_GETLIST, PURCHASE_ORDER_NUMBER=purch_no)
    return [row["SD_DOC"] for row in _items(answer["SALES_ORDERS"]) if row["PURCH_NO"] == purch_no]


def send(sap, order):
    """Create ``order`` in SAP unless it is there already: (SAP order number, created?)."""
    existing = find(sap, order.purch_no)
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
    # (zeep answers a one-field response with the field itself: the BAPIRET2)
    status = _call(sap.BAPI_TRANSACTION_COMMIT, WAIT="X")
    if status is not None and status["TYPE"] in ("E", "A"):
        # nothing committed: the next attempt finds no order and creates it again
        raise TransportError(f"commit refused: {status['MESSAGE']}")
    return answer["SALESDOCUMENT"], True
