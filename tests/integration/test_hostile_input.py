"""Hostile input over XML-RPC and JSON-RPC: every wsv model (and the core models we extend),
every writable field, every public method, as every role.

The cases are generated from the live server: ``fields_get`` gives each model's writable
fields, and each field gets the hostile values of its type (hostile_cases.BY_TYPE) in a
``write`` on a record the caller can read and in a ``create``; creates also go without the
required fields and with unknown ones; searches get injected domains and arguments; every
public method (read from the addons' source, as tests/unit/test_docs_reference does) is
called with ids that do not exist or that the caller cannot see, with ids of the wrong type
and with extra arguments. Admin tries every value; each demo role tries one value per field,
rotating over the values (every value is tried by some role), over XML-RPC or the web
client in turn, so the run stays short.

Each answer is one of:
- a clear error: a UserError / ValidationError / AccessError / MissingError / AccessDenied
  (XML-RPC fault codes 2, 3, 4; JSON-RPC ``odoo.exceptions.*`` or our UserError subclasses);
- a stored value: read back as admin, text must be kept literally, HTML sanitized;
- a server error: fault code 1 (a traceback), an HTTP 500, another exception class.
The test fails on any server error, on a stored value that was altered or still holds a
script, on a refused call that changed its table (row count, newest id and newest write date,
read as admin before and after), and on a record the caller cannot see that a call read.
The summary (inputs tried, answers by kind) is printed and written to
$WSV_HOME/test-run/hostile_input.json (/tmp without WSV_HOME).
"""

import ast
import collections
import concurrent.futures
import json
import os
import pathlib
import xmlrpc.client

import hostile_cases as H
import psycopg2
import pytest
import requests
from access_table import ROLES
from conftest import Rpc, english

ROOT = pathlib.Path(__file__).resolve().parents[2]
FAULT_KINDS = {2: "user_error", 3: "access_denied", 4: "access_error"}
ODOO_ERRORS = {
    f"odoo.exceptions.{name}"
    for name in (
        "UserError",
        "ValidationError",
        "AccessError",
        "MissingError",
        "AccessDenied",
        "RedirectWarning",
    )
}
# fields whose value a read gives back as written (relations are compared as ids)
SCALAR = {
    "char",
    "text",
    "html",
    "integer",
    "float",
    "monetary",
    "boolean",
    "date",
    "datetime",
    "selection",
    "many2one",
}


def our_user_errors():
    """Dotted names of the addons' exception classes that are UserErrors (answers as clear as
    Odoo's own): a class whose bases name one of Odoo's user-facing errors."""
    names = set()
    for path in ROOT.glob("addons/wsv_*/**/*.py"):
        module = "odoo.addons." + ".".join(path.relative_to(ROOT / "addons").with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(
                ast.unparse(b).split(".")[-1] in {"UserError", "ValidationError", "AccessError"}
                for b in node.bases
            ):
                names.add(f"{module}.{node.name}")
    return names


def public_methods():
    """{model: {method: on_model}}: the public methods of the addons' model classes (the scan
    of test_docs_reference), ``on_model`` True for an ``@api.model`` method (no ids)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "docs_reference", ROOT / "tests" / "unit" / "test_docs_reference.py"
    )
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)
    on_model = set()
    for path in ROOT.glob("addons/wsv_*/**/*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and any(
                ast.unparse(d).startswith("api.model") for d in node.decorator_list
            ):
                on_model.add(node.name)
    return {
        model: {m: m in on_model for m in sorted(methods)}
        for model, methods in ref.public_methods().items()
    }


def xmlrpc_safe(value):
    """XML-RPC carries 32-bit integers only: a larger one goes as the double it equals (the
    client library refuses to send it at all)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and not -(2**31) <= value < 2**31:
        return float(value)
    if isinstance(value, list | tuple):
        return [xmlrpc_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: xmlrpc_safe(v) for k, v in value.items()}
    return value


class Caller:
    """One role over one protocol: ``call(model, method, args, kwargs)`` -> (kind, detail,
    result); kind is "ok", a clear error's kind, or "server_error"."""

    def __init__(self, server, login, proto, allowed):
        self.server, self.login, self.proto, self.allowed = server, login, proto, allowed
        self.rpc = Rpc(server, login, login)
        self.http = requests.Session()
        if proto == "web":
            answer = self.http.post(
                f"{server['url']}/web/session/authenticate",
                json={"params": {"db": server["db"], "login": login, "password": login}},
                timeout=60,
            ).json()
            assert answer.get("result", {}).get("uid"), answer

    def call(self, model, method, args, kwargs=None):
        if self.proto == "xmlrpc":
            try:
                return "ok", "", self.rpc(model, method, xmlrpc_safe(args), xmlrpc_safe(kwargs))
            except xmlrpc.client.Fault as fault:
                kind = FAULT_KINDS.get(fault.faultCode, "server_error")
                return kind, fault.faultString.strip().splitlines()[-1][:300], None
            except xmlrpc.client.ProtocolError as error:
                return "server_error", f"HTTP {error.errcode}", None
        if self.proto == "web":
            url = f"{self.server['url']}/web/dataset/call_kw"
            params = {"model": model, "method": method, "args": args, "kwargs": english(kwargs)}
        else:
            url = f"{self.server['url']}/jsonrpc"
            params = {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    self.server["db"],
                    self.rpc.uid,
                    self.login,
                    model,
                    method,
                    args,
                    english(kwargs),
                ],
            }
        answer = self.http.post(
            url, json={"jsonrpc": "2.0", "method": "call", "params": params}, timeout=120
        )
        if answer.status_code != 200:
            return "server_error", f"HTTP {answer.status_code}", None
        body = answer.json()
        if "error" not in body:
            return "ok", "", body.get("result")
        data = body["error"].get("data", {})
        name = data.get("name", "")
        if name not in self.allowed:
            return "server_error", f"{name}: {data.get('message', '')[:300]}", None
        kind = name.rsplit(".", 1)[-1]
        return (
            ("access_error" if kind in {"AccessError", "MissingError"} else "user_error"),
            (data.get("message", "")[:300]),
            None,
        )


class Run:
    """The cases of one model, run in order (the table's snapshot is taken between them)."""

    def __init__(self, admin, model, fields, callers, invisible, methods):
        self.admin, self.model, self.fields = admin, model, fields
        self.callers, self.invisible, self.methods = callers, invisible, methods
        self.counts = collections.Counter()
        self.failures = []

    def snapshot(self, record=None):
        """The table as admin sees it: row count and newest id, and the values of ``record``
        (the row a batch of writes touches). A refused call leaves it equal; an accepted
        create is deleted and an accepted write is written back within the batch, so the
        batch as a whole leaves it equal too."""
        rows = self.admin(
            self.model,
            "read_group",
            [[], ["id:max"], []],
            {"lazy": False, "context": {"active_test": False}},
        )
        row = rows[0] if rows else {}
        values = None
        if record:
            # the stored, writable, not computed fields: what a refused call could have
            # written (write_date, and fields computed from a value written back, move
            # with the accepted calls of the batch)
            names = [
                n
                for n, f in self.fields.items()
                if f["type"] in SCALAR and f.get("store") and not f.get("readonly")
                if not f.get("depends")
            ]
            # (a many2one by its id: its name is another table's, which another model's
            # batch may be changing at the same time)
            values = self.admin(self.model, "read", [[record], names], {"load": "_classic_write"})[
                0
            ]
        return row.get("__count"), row.get("id"), values

    def fail(self, why, caller, method, field, kind, detail):
        self.failures.append(
            f"{why}: {self.model}.{method} field={field} value={kind} "
            f"role={caller.login} over {caller.proto}: {detail}"
        )

    def target(self, caller):
        """A record of the model the caller can read (writes go there), or None."""
        # a customer, not a company's or a user's own partner (the first res.partner is
        # the company: its writes go through res.company)
        domain = (
            [("is_company", "=", True), ("ref_company_ids", "=", False), ("user_ids", "=", False)]
            if self.model == "res.partner"
            else []
        )
        try:
            ids = caller.rpc(self.model, "search", [domain], {"limit": 1, "order": "id"})
        except xmlrpc.client.Fault:
            return None
        return ids[0] if ids else None

    def value(self, caller, field, value):
        if value == "INVISIBLE":
            return self.invisible(caller.login, self.fields[field]["relation"]) or 999_999_998
        return value

    def field_values(self, caller, rotate):
        """(field, kind, value) for each writable field: every value (admin), or one
        value per field that rotates with the role."""
        for index, (name, spec) in enumerate(sorted(self.fields.items())):
            if spec.get("readonly") or spec["type"] not in H.BY_TYPE:
                continue
            values = list(H.BY_TYPE[spec["type"]])
            if caller.proto != "xmlrpc" and spec["type"] in ("char", "text", "html"):
                values.append(H.NUL)
            if rotate is not None:
                values = [values[(index + rotate) % len(values)]]
            for kind, value in values:
                yield name, kind, self.value(caller, name, value)

    def attempt(self, caller, method, args, kwargs, field, kind):
        """One call, classified."""
        answer, detail, result = caller.call(self.model, method, args, kwargs)
        self.counts[answer] += 1
        if answer == "server_error":
            self.fail("server error", caller, method, field, kind, detail)
        return answer, result

    def batch(self, caller, method, record=None):
        """Around a batch of calls: the table (and the record) before and after."""
        run = self

        class Batch:
            def __enter__(self):
                self.before = run.snapshot(record)
                self.kept = False  # an accepted create the model does not let admin delete
                return self

            def __exit__(self, *exc):
                if exc[0] is None and not self.kept:
                    after = run.snapshot(record)
                    if after != self.before:
                        diff = after
                        if after[2] and self.before[2]:
                            diff = {k: v for k, v in after[2].items() if self.before[2][k] != v}
                        run.fail(
                            "changed by refused calls",
                            caller,
                            method,
                            "-",
                            "batch",
                            repr(diff)[:300],
                        )

        return Batch()

    def check_stored(self, caller, method, record_id, field, kind, sent, restore):
        """A value the server accepted: read back as admin, text kept as sent, HTML without
        script; then the record's old value written back."""
        spec = self.fields[field]
        rows = self.admin(
            self.model, "read", [[record_id], [field]], {"context": {"active_test": False}}
        )
        if not rows:
            # accepted, then the record no longer reads back (a dangling id in a property)
            self.fail("unreadable after an accepted value", caller, method, field, kind, "")
            if restore is not None:
                self.admin(self.model, "write", [[record_id], {field: restore}])
            return
        stored = rows[0][field]
        if spec["type"] == "html" and isinstance(stored, str):
            lowered = stored.lower()
            if "<script" in lowered or "onerror" in lowered:
                self.fail("script kept in HTML", caller, method, field, kind, stored[:200])
        elif (
            spec["type"] in ("char", "text")
            and stored != sent
            # Odoo completes a web address with its scheme: the text itself is kept
            and not (isinstance(stored, str) and stored.endswith(sent) and "://" in stored)
            and spec.get("store")  # a field that is not stored may ignore a write
            and not spec.get("translate")
        ):
            self.fail("text altered", caller, method, field, kind, repr(stored)[:200])
        if restore is not None:
            self.admin(self.model, "write", [[record_id], {field: restore}])

    def run_writes(self, caller, rotate):
        record = self.target(caller)
        if not record:
            return
        # the values to write back: the scalar fields only (a JSON field can hold a dict
        # that XML-RPC cannot carry)
        scalar = [n for n, f in self.fields.items() if f["type"] in SCALAR]
        old = self.admin(self.model, "read", [[record], scalar])[0]
        with self.batch(caller, "write", record):
            for field, kind, value in self.field_values(caller, rotate):
                answer, _result = self.attempt(
                    caller, "write", [[record], {field: value}], {}, field, kind
                )
                if answer == "ok" and self.fields[field]["type"] in SCALAR:
                    restore = old[field]
                    restore = restore[0] if isinstance(restore, list) else restore
                    self.check_stored(caller, "write", record, field, kind, value, restore)

    def run_creates(self, caller, rotate):
        cases = list(self.field_values(caller, rotate))
        cases += [("-", "no_values", None), ("-", "unknown_fields", None)]
        with self.batch(caller, "create") as batch:
            for field, kind, value in cases:
                vals = {"no_values": {}, "unknown_fields": H.EXTRA_FIELDS}.get(kind)
                vals = {field: value} if vals is None else vals
                answer, result = self.attempt(caller, "create", [vals], {}, field, kind)
                if answer != "ok":
                    continue
                if field != "-" and self.fields[field]["type"] in ("char", "text", "html"):
                    self.check_stored(caller, "create", result, field, kind, value, None)
                try:
                    self.admin(self.model, "unlink", [[result]])
                except xmlrpc.client.Fault:
                    batch.kept = True  # a record the model keeps (logged, posted): it stays

    def run_searches(self, caller, full):
        # search_count takes the domain through the same _search as search: admin tries
        # both, the roles search only
        counts = [("search_count", {})] if full else []
        for kind, domain in H.DOMAINS:
            for method, kwargs in [("search", {"limit": 5}), *counts]:
                self.attempt(caller, method, [domain], kwargs, "domain", kind)
        for kind, kwargs in H.SEARCH_KWARGS:
            self.attempt(caller, "search_read", [[]], dict(kwargs), "kwargs", kind)
        for kind, args, kwargs in H.READ_GROUP:
            self.attempt(caller, "read_group", args, kwargs, "groupby", kind)
        self.attempt(caller, "name_search", ["%_"], {"limit": 5}, "name", "wildcards")
        hidden = self.invisible(caller.login, self.model)
        for kind, ids in H.BAD_IDS + ([("invisible", [hidden])] if hidden else []):
            answer, result = self.attempt(caller, "read", [ids, ["display_name"]], {}, "ids", kind)
            if answer == "ok" and kind == "invisible" and result:
                self.fail("leak", caller, "read", "ids", kind, repr(result)[:200])
        self.attempt(caller, "read", [[], ["wsv_no_such_field"]], {}, "fields", "unknown")

    def run_methods(self, caller):
        if self.methods:
            with self.batch(caller, "methods"):
                self.run_methods_batch(caller)

    def run_methods_batch(self, caller):
        hidden = self.invisible(caller.login, self.model)
        for method, on_model in self.methods.items():
            if on_model:
                # a model method: its first argument of the wrong shape
                for kind, first in [("str", "x"), ("list", [1]), ("dict", {"name": [1]})]:
                    self.attempt(caller, method, [first], {}, "args", kind)
                continue
            cases = [(kind, ids, [], {}) for kind, ids in H.BAD_IDS]
            if hidden:
                cases.append(("invisible", [hidden], [], {}))
            cases += [(kind, [999_999_999], extra, kw) for kind, extra, kw in H.BAD_ARGS]
            for kind, ids, extra, kw in cases:
                self.attempt(caller, method, [ids, *extra], kw, "ids", kind)

    def run(self, tiers):
        for caller, rotate, protos in tiers:
            self.run_writes(caller, rotate)
            self.run_creates(caller, rotate)
            if "searches" in protos:
                self.run_searches(caller, rotate is None)
            if "methods" in protos:
                self.run_methods(caller)
        return self


def summary_path():
    home = os.environ.get("WSV_HOME")
    folder = pathlib.Path(home) / "test-run" if home else pathlib.Path("/tmp")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "hostile_input.json"


def has_table(db, model):
    with psycopg2.connect(dbname=db) as conn, conn.cursor() as cr:
        cr.execute("SELECT to_regclass(%s)", [model.replace(".", "_")])
        return cr.fetchone()[0] is not None


def test_hostile_input(server, admin):
    allowed = ODOO_ERRORS | our_user_errors()
    models = sorted(
        r["model"]
        for r in admin(
            # (not the wizards: their rows are their author's, admin can neither read back nor
            # remove another role's; their actions are tested with their models)
            "ir.model",
            "search_read",
            [[("model", "=like", "wsv.%"), ("transient", "=", False)]],
            {"fields": ["model"]},
        )
        if has_table(server["db"], r["model"])  # not the abstract mixins
    ) + list(H.CORE_MODELS)
    methods = public_methods()
    logins = ["admin", *ROLES.values()]
    callers = {
        (login, proto): Caller(server, login, proto, allowed)
        for login in logins
        for proto in ("xmlrpc", "web", "jsonrpc")
    }
    cache = {}

    def invisible(login, model):
        """An id of ``model`` that admin reads and ``login`` cannot, or None."""
        if (login, model) not in cache:
            ids = admin(model, "search", [[]], {"limit": 200, "order": "id"})
            try:
                seen = set(callers[login, "xmlrpc"].rpc(model, "search", [[("id", "in", ids)]]))
            except xmlrpc.client.Fault:
                seen = set()  # no read access at all: every record is hidden
            cache[login, model] = next((i for i in ids if i not in seen), None)
        return cache[login, model]

    def one_model(model):
        fields = admin(
            model,
            "fields_get",
            [],
            {
                "attributes": [
                    *("type", "readonly", "required", "relation", "translate"),
                    *("store", "depends"),
                ]
            },
        )
        # admin tries every value over XML-RPC, and one value per field, the searches and the
        # methods over XML-RPC and JSON-RPC; each role one value per field (rotated with the
        # role), the searches and the methods, over XML-RPC or the web client in turn (the
        # web client's call_kw is reached by every other role)
        tiers = [(callers["admin", "xmlrpc"], None, {"searches", "methods"})]
        tiers.append((callers["admin", "jsonrpc"], 0, {"searches", "methods"}))
        for number, login in enumerate(ROLES.values(), start=1):
            proto = "xmlrpc" if number % 2 else "web"
            tiers.append((callers[login, proto], number, {"searches", "methods"}))
        return Run(admin, model, fields, callers, invisible, methods.get(model, {})).run(tiers)

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        runs = list(pool.map(one_model, models))

    counts = sum((r.counts for r in runs), collections.Counter())
    failures = [f for r in runs for f in r.failures]
    kinds = collections.Counter(f.split(":", 1)[0] for f in failures)
    summary = {
        "inputs": sum(counts.values()),
        "models": len(models),
        "answers": dict(sorted(counts.items())),
        "failures": dict(sorted(kinds.items())),
    }
    summary_path().write_text(
        json.dumps(summary | {"list": failures}, ensure_ascii=False, indent=1)
    )
    print(f"\nhostile input: {json.dumps(summary, ensure_ascii=False)}")
    assert counts["ok"] and counts["user_error"], counts  # the run reached the server
    if failures:
        pytest.fail(f"{len(failures)} failures:\n" + "\n".join(sorted(failures)[:300]))
