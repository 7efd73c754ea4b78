"""Client for the Qichacha (企查查) business registry API: company details by name or code.

Only ``GET /ECIV4/GetBasicDetailsByName`` is used. Every call is signed: the ``Token``
header is MD5(key + timespan + secret) in upper-case hex, with ``Timespan`` the unix
seconds it was made for. The service reports errors in the JSON envelope with HTTP 200;
each failure becomes a RegistryError carrying what the caller needs to log the call.

Plain Python (requests only) so it can be unit-tested against the local simulator.
"""

import dataclasses
import datetime
import hashlib
import time

import requests

PATH = "/ECIV4/GetBasicDetailsByName"

# Qichacha's Result keys and ours.
FIELDS = {
    "Name": "legal_name",
    "CreditCode": "credit_code",
    "OperName": "legal_representative",
    "RegistCapi": "registered_capital",
    "Status": "registry_status",
    "Address": "address",
    "Scope": "business_scope",
    "StartDate": "founding_date",
}

# Kept in the error when the body is not JSON: enough to see what answered, small enough to log.
BODY_EXCERPT = 1000


def sign(key, secret, timespan):
    """The Token header for a call made at ``timespan`` (a str of unix seconds)."""
    return hashlib.md5((key + timespan + secret).encode()).hexdigest().upper()


class RegistryError(Exception):
    """A failed lookup. ``code`` is the service's Status, or timeout/http/network/format."""

    def __init__(self, code, message, payload=None, duration_ms=None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.payload = payload
        self.duration_ms = duration_ms


class NotFound(RegistryError):
    """Status 201: no company matches the keyword."""


class RateLimited(RegistryError):
    """Status 111: too many calls; try again later."""


class AuthError(RegistryError):
    """Status 101 (invalid key) or 102 (bad token or expired timespan)."""


ERRORS = {"201": NotFound, "111": RateLimited, "101": AuthError, "102": AuthError}


@dataclasses.dataclass
class Lookup:
    """A successful lookup: our normalised fields and what is needed to log the call."""

    company: dict | None
    status: str
    message: str
    payload: dict
    duration_ms: float


def _parse_date(value):
    """The date of "2002-12-30 00:00:00" or "2002-12-30"; None for anything else."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    fmt = "%Y-%m-%d %H:%M:%S" if " " in text else "%Y-%m-%d"
    try:
        return datetime.datetime.strptime(text, fmt).date()
    except ValueError:
        return None


def normalize_result(result):
    """Our fields for a Qichacha Result; missing or empty values are None, None for no Result."""
    if not isinstance(result, dict):
        return None
    company = {ours: result.get(theirs) or None for theirs, ours in FIELDS.items()}
    company["founding_date"] = _parse_date(result.get("StartDate"))
    return company


class Client:
    def __init__(self, url, key, secret, timeout=10.0, session=None, clock=time.time):
        self.url = url.rstrip("/")
        self.key = key
        self.secret = secret
        self.timeout = timeout
        self.session = session or requests.Session()
        # Only the signature's timespan comes from the clock, so tests can sign in the past.
        self.clock = clock

    def lookup(self, keyword):
        """Company details for a name or unified social credit code; raises RegistryError."""
        timespan = str(int(self.clock()))
        headers = {"Token": sign(self.key, self.secret, timespan), "Timespan": timespan}
        started = time.perf_counter()

        def elapsed():
            return (time.perf_counter() - started) * 1000.0

        try:
            response = self.session.get(
                self.url + PATH,
                params={"key": self.key, "keyword": keyword},
                headers=headers,
                timeout=self.timeout,
            )
        # requests' messages hold the URL with our key in its query: name the error only
        except requests.Timeout as exc:
            raise RegistryError("timeout", type(exc).__name__, duration_ms=elapsed()) from exc
        except requests.RequestException as exc:
            raise RegistryError("network", type(exc).__name__, duration_ms=elapsed()) from exc
        duration_ms = elapsed()

        if response.status_code != 200:
            raise RegistryError(
                "http",
                f"HTTP {response.status_code} {response.reason}",
                payload=response.text[:BODY_EXCERPT],
                duration_ms=duration_ms,
            )
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict) or "Status" not in payload:
            raise RegistryError(
                "format",
                "response is not a JSON envelope with a Status",
                payload=payload if payload is not None else response.text[:BODY_EXCERPT],
                duration_ms=duration_ms,
            )

        status = str(payload["Status"])
        message = str(payload.get("Message") or "")
        if status != "200":
            error = ERRORS.get(status, RegistryError)
            raise error(status, message, payload=payload, duration_ms=duration_ms)
        return Lookup(
            company=normalize_result(payload.get("Result")),
            status=status,
            message=message,
            payload=payload,
            duration_ms=duration_ms,
        )
