# Copyright 2026 WSV
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The arguments of a model method called from outside, checked before Odoo calls it.

``odoo.api.call_kw`` calls the method with what the caller sent: ids that are not ids, or one
argument too many, end in a TypeError inside the method (a traceback, HTTP 500 for the web
client). The three entry points that reach ``call_kw`` (the web client's ``call_kw`` and
``call_button``, the ``object`` service over XML-RPC and JSON-RPC) bind the arguments to the
method's signature first, as ``call_kw`` will pass them, and answer a mismatch with an
InputError naming the model, the method and what is wrong.
"""

import inspect
import xmlrpc.client

from odoo import api, http
from odoo.http import request
from odoo.modules.registry import Registry
from odoo.service import security

from odoo.addons.base.controllers import rpc
from odoo.addons.web.controllers import dataset

from ..models.base import InputError, _is_id
from ..models.i18n import lang_env


def call_problem(model_class, name, args, kwargs):
    """What is wrong with calling ``name`` on ``model_class`` with ``args`` and ``kwargs`` as
    ``call_kw`` does, as ("ids", value) or ("arguments", reason); None when nothing is (or
    when Odoo answers the call itself: an unknown or private method)."""
    method = getattr(model_class, name, None) if isinstance(name, str) else None
    if not callable(method) or name.startswith("_"):
        return None
    if not isinstance(args, list | tuple):
        return "arguments", "args is not a list"
    if not isinstance(kwargs, dict):
        return "arguments", "kwargs is not a dictionary"
    kwargs = {k: v for k, v in kwargs.items() if k != "context"}  # as call_kw drops it
    if not getattr(method, "_api", None):  # a record method: call_kw browses args[0]
        if not args:
            return "ids", None
        ids, args = args[0], args[1:]
        if not (
            ids is False
            or ids is None
            or _is_id(ids)
            or isinstance(ids, list | tuple)
            and all(_is_id(i) for i in ids)
        ):
            return "ids", ids
    try:
        declared_signature(model_class, name).bind(None, *args, **kwargs)  # None: self
    except TypeError as exc:
        return "arguments", str(exc)
    except ValueError:  # a builtin without a signature: nothing to check
        return None
    return None


def declared_signature(model_class, name):
    """The signature the method is declared with: an override that only passes
    ``*args, **kwargs`` on to ``super()`` is skipped for the definition below it."""
    signature = None
    for cls in model_class.mro():
        if name not in vars(cls):
            continue
        signature = inspect.signature(getattr(cls, name))
        kinds = {p.kind for p in signature.parameters.values()}
        if not {inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD} <= kinds:
            return signature
    return signature or inspect.signature(getattr(model_class, name))


def check_call(env, model, name, args, kwargs):
    """Raise the InputError of ``call_problem`` in the caller's language."""
    if not isinstance(model, str) or model not in env.registry:
        return
    problem = call_problem(env.registry[model], name, args, kwargs)
    if not problem:
        check_values(env, model, name, args, kwargs)
        return
    records = env[model]
    _ = lang_env(env)._
    kind, detail = problem
    if kind == "ids":
        shown = repr(detail)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        message = _(
            "%(model)s, method %(method)s: the first argument must be a list of record ids;"
            " got %(value)s.",
            model=records._wsv_model_label(),
            method=name,
            value=shown,
        )
    else:
        method = getattr(type(records), name)
        # as the caller sees it: ids in place of self, or nothing for a model method
        params = list(declared_signature(type(records), name).parameters.values())[1:]
        if not getattr(method, "_api", None):
            params.insert(0, inspect.Parameter("ids", inspect.Parameter.POSITIONAL_OR_KEYWORD))
        signature = str(inspect.Signature(params))
        message = _(
            "%(model)s, method %(method)s: the arguments do not match %(method)s%(signature)s"
            " (%(error)s).",
            model=records._wsv_model_label(),
            method=name,
            signature=signature[:200],
            error=detail[:200],
        )
    raise InputError(message)


def check_values(env, model, name, args, kwargs):
    """The values of a create or write, checked before any override of the model reads
    them (the base model checks them again, for calls from the server's own code)."""
    if name == "create":
        values = args[0] if args else kwargs.get("vals_list")
        for vals in values if isinstance(values, list) else [values]:
            env[model]._wsv_check_values(vals, caller=True)
    elif name in ("write", "web_save"):  # (the web client saves with web_save)
        values = args[1] if len(args) > 1 else kwargs.get("vals")
        env[model]._wsv_check_values(values, caller=True)


def check_object_call(method, params):
    """The ``object`` service's execute / execute_kw (XML-RPC and JSON-RPC)."""
    if method not in ("execute", "execute_kw") or not isinstance(params, list | tuple):
        return
    if len(params) < 5:
        return  # Odoo's own error
    db, uid, password, model, name = params[:5]
    if method == "execute":
        args, kwargs = list(params[5:]), {}
    else:
        args = params[5] if len(params) > 5 else []
        kwargs = params[6] if len(params) > 6 else {}
    if not isinstance(model, str) or not isinstance(uid, int):
        return
    registry = Registry(db)
    if model not in registry:
        return
    if name not in ("create", "write", "web_save") and not call_problem(
        registry[model], name, args, kwargs
    ):
        return
    security.check(db, uid, password)  # the answer is for the authenticated only
    with registry.cursor() as cr:
        check_call(api.Environment(cr, uid, {}), model, name, args, kwargs)


class DataSet(dataset.DataSet):
    @http.route()
    def call_kw(self, model, method, args, kwargs, path=None):
        check_call(request.env, model, method, args, kwargs)
        return super().call_kw(model, method, args, kwargs, path=path)

    @http.route()
    def call_button(self, model, method, args, kwargs, path=None):
        check_call(request.env, model, method, args, kwargs)
        return super().call_button(model, method, args, kwargs, path=path)


class RPC(rpc.RPC):
    def _xmlrpc(self, service):
        if service == "object":
            params, method = xmlrpc.client.loads(request.httprequest.get_data(), use_datetime=True)
            check_object_call(method, params)
        return super()._xmlrpc(service)

    @http.route()
    def jsonrpc(self, service, method, args):
        if service == "object":
            check_object_call(method, args)
        return super().jsonrpc(service, method, args)
