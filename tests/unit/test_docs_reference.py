"""docs/integration.md's reference names every public method of every wsv model, and runs it.

The public methods are read from the addons' source (a method whose name does not start with
an underscore, on a model class); Odoo's ORM methods and framework hooks are left out, they
are Odoo's and follow the access table. Each method must have a row in the reference table
of its model, and each documented method must be called in some example of the guide (the
examples run against the live server in tests/integration/test_docs_examples.py).
"""

import ast
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "integration.md").read_text()
# Odoo's ORM and the hooks the framework calls, not an API of ours
FRAMEWORK = {
    "create",
    "write",
    "unlink",
    "copy",
    "copy_data",
    "init",  # run at module install: indexes
    "read",
    "search",
    "search_read",
    "default_get",
    "ensure_one",
    "name_search",
    "fields_get",
    "get_values",  # res.config.settings: the settings form
    "set_values",
    "generate_xlsx_report",  # report_xlsx: called by the report action, with a workbook
    "callback",  # an HTTP controller, documented with the e-invoice platform
    "web_read",  # the web client's reads (wsv.read.audited: logged reads are read/write)
    "web_search_read",
    # OCA's own, extended: auditlog's rules (administrators) and auto_backup's button
    "create_logs",
    "get_auditlog_fields",
    "subscribe",
    "action_backup",
}


def _literal(node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def public_methods():
    """{model: {method}} from the addons' model classes."""
    found, mixins, users = {}, {}, {}
    for path in sorted(ROOT.glob("addons/wsv_*/**/*.py")):
        if {"tests", "lib", "migrations"} & set(path.parts):
            continue
        for cls in ast.parse(path.read_text()).body:
            if not isinstance(cls, ast.ClassDef):
                continue
            attrs = {
                st.targets[0].id: _literal(st.value)
                for st in cls.body
                if isinstance(st, ast.Assign) and isinstance(st.targets[0], ast.Name)
            }
            inherit = attrs.get("_inherit") or []
            inherit = [inherit] if isinstance(inherit, str) else list(inherit)
            model = attrs.get("_name") or (inherit[0] if inherit else None)
            if not model:
                continue
            for parent in inherit:
                users.setdefault(parent, set()).add(model)
            methods = {
                st.name
                for st in cls.body
                if isinstance(st, ast.FunctionDef)
                and not st.name.startswith("_")
                and st.name not in FRAMEWORK
            }
            # an abstract model extended without a name of its own is a mixin of Odoo's or
            # OCA's: its methods belong to each of our models that inherit it
            target = (
                mixins
                if "_name" not in attrs and "Abstract" in ast.unparse(cls.bases[0])
                else found
            )
            target.setdefault(model, set()).update(methods)
    for mixin, methods in mixins.items():
        for model in users.get(mixin, ()):
            if model != mixin:
                found.setdefault(model, set()).update(methods)
    return {model: methods for model, methods in found.items() if methods}


def reference():
    """{model: {method}} from the reference's tables: a `### `model`` heading, then rows."""
    section = DOC.split("## Reference: every public method", 1)[1]
    documented, model = {}, None
    for line in section.splitlines():
        heading = re.match(r"### `([\w.]+)`", line)
        if heading:
            model = heading.group(1)
        row = re.match(r"\| `(\w+)` \|", line)
        if row and model:
            documented.setdefault(model, set()).add(row.group(1))
    return documented


def examples():
    return "\n".join(re.findall(r"^```python\n(.*?)^```", DOC, re.M | re.S))


def test_every_public_method_is_in_the_reference():
    code, documented = public_methods(), reference()
    assert len(code) >= 10  # the scan found the models (a broken scan finds nothing)
    missing = {m: sorted(code[m] - documented.get(m, set())) for m in code}
    assert not {m: v for m, v in missing.items() if v}


def test_the_reference_names_only_methods_that_exist():
    code, documented = public_methods(), reference()
    extra = {m: sorted(v - code.get(m, set())) for m, v in documented.items()}
    assert not {m: v for m, v in extra.items() if v}


def test_every_documented_method_is_called_in_an_example():
    code = examples()
    uncalled = sorted(
        f"{model}.{method}"
        for model, methods in reference().items()
        for method in methods
        if f'"{method}"' not in code
    )
    assert not uncalled
