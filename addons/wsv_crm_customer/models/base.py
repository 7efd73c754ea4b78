# Copyright 2026 WSV
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import base64
import binascii

from odoo import api, fields, models
from odoo.exceptions import UserError

from .i18n import lang_env

INT4 = 2**31  # PostgreSQL's integer column (Odoo's Integer fields and record ids)
# a btree index row holds about 2,700 bytes: 600 characters of up to 4 bytes each in UTF-8
INDEXED_TEXT_MAX = 600
NUMBER_MAX = 1e15  # see _wsv_number_ok
X2MANY_ARITY = {0: 3, 1: 3, 2: 2, 3: 2, 4: 2, 5: 1, 6: 3}  # Odoo's Command codes


class SingletonError(UserError, ValueError):
    """Odoo's "Expected singleton" as a message. Still a ValueError for the code that catches
    Odoo's; a UserError so that an integrator who passes several ids to a one-record method
    (an approval, a window) gets a translated fault instead of a traceback."""


class InputError(UserError, ValueError):
    """A value or argument of the wrong type or shape (a word for a number, an unknown field,
    a domain that does not parse). A UserError: the caller hears which field or argument and
    the rule, translated, instead of a traceback, and nothing is written. Still a ValueError,
    as the ORM's own error was, for the code that catches that."""


def _number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_id(value):
    return type(value) is int and 0 < value < INT4


class Base(models.AbstractModel):
    _inherit = "base"

    def ensure_one(self):
        try:
            (_id,) = self._ids
        except ValueError:
            env = lang_env(self.env)
            model = env["ir.model"].sudo()._get(self._name)
            raise SingletonError(
                env._(
                    "%(model)s: this works on one record at a time; %(count)s were given.",
                    model=model.name or self._name,
                    count=len(self._ids),
                )
            ) from None
        return self

    # ------------------------------------------------------------ values of create / write
    # Odoo turns a value of the wrong type into a ValueError, a TypeError or a database error
    # deep in the write (a traceback to the caller, sometimes after part of the work). The
    # values are checked here first, by the field's type only: what Odoo accepts passes.
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._wsv_check_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._wsv_check_values(vals)
        return super().write(vals)

    def _wsv_check_values(self, vals, caller=False):
        if not isinstance(vals, dict):
            raise InputError(self._wsv_rule_message("values", self._wsv_rule_text("values"), vals))
        for name, value in vals.items():
            field = self._fields.get(name)
            if field is None:
                raise InputError(self._wsv_no_field(name))
            rule = self._wsv_value_rule(field, value, caller)
            if rule:
                raise InputError(self._wsv_rule_message(field, rule, value))

    def _wsv_value_rule(self, field, value, caller=False):
        """The rule ``value`` breaks for ``field``, in the caller's language, or None."""
        if caller and value is None and field.type in ("integer", "float", "monetary"):
            # a caller's empty number is False, as the web client sends it; None (a JSON
            # null) reaches Odoo's comparisons (crm's probability). Odoo's own code writes
            # None for an empty number (queue_job's worker pid): only callers are held to it
            return self._wsv_rule_text(field.type, field)
        if (
            not value
            and not isinstance(value, list | tuple | dict)
            or isinstance(value, models.BaseModel)
        ):
            return None  # empty, or a record: as Odoo takes them
        if isinstance(value, str) and "\x00" in value:
            return self._wsv_rule_text("nul")
        # a caller's text too long for the field: refused with its rule, where Odoo would cut
        # it silently (a char field's size; Odoo's own code relies on the cut: auditlog's
        # names) or the database fail (an indexed one)
        if caller and isinstance(value, str) and field.type == "char":
            if len(value) > INDEXED_TEXT_MAX and self._wsv_indexed(field):
                return self._wsv_rule_text("indexed")  # PostgreSQL's btree refuses longer rows
            if field.size and len(value) > field.size:
                return self._wsv_rule_text("size", field)
        check = {
            "integer": self._wsv_integer_ok,
            "many2one_reference": self._wsv_integer_ok,
            "float": self._wsv_number_ok,
            "monetary": self._wsv_number_ok,
            "date": lambda v: fields.Date.to_date(v) is not None,
            "datetime": lambda v: fields.Datetime.to_datetime(v) is not None,
            "selection": lambda v: field.convert_to_cache(v, self) is not None,
            "properties": lambda v: isinstance(v, dict | list),
            "json": lambda v: isinstance(v, dict | list),  # Odoo's own read them as such
            # raw bytes pass (Odoo's own code writes them to some binary fields)
            "binary": lambda v: isinstance(v, bytes) or base64.b64decode(v) is not None,
            "many2one": lambda v: self._wsv_many2one_ok(v) and self._wsv_many2one_exists(field, v),
            "one2many": self._wsv_x2many_ok,
            "many2many": self._wsv_x2many_ok,
        }.get(field.type)
        try:
            ok = check is None or check(value)
        except (ValueError, TypeError, OverflowError, binascii.Error):
            ok = False
        return None if ok else self._wsv_rule_text(field.type, field)

    def _wsv_indexed(self, field):
        """A field with an index in the database: Odoo's ``index``, or a phone number, which
        phone_validation indexes (normalised) without saying so on the field."""
        phone_fields = getattr(self, "_phone_get_number_fields", None)
        return bool(field.index) or bool(phone_fields) and field.name in phone_fields()

    def _wsv_rule_text(self, kind, field=None):
        _ = lang_env(self.env)._
        if kind in ("integer", "many2one_reference"):
            return _("a whole number between %(low)s and %(high)s", low=-INT4, high=INT4 - 1)
        if kind in ("float", "monetary"):
            return _("a number between %(low)s and %(high)s", low="-1e15", high="1e15")
        if kind == "date":
            return _("a date (YYYY-MM-DD)")
        if kind == "datetime":
            return _("a date and time (YYYY-MM-DD HH:MM:SS)")
        if kind == "selection":
            keys = ", ".join(str(k) for k in field.get_values(self.env))
            return _("one of %(keys)s", keys=keys[:300])
        if kind == "many2one":
            return _("the id of a record (a whole number)")
        if kind in ("one2many", "many2many"):
            return _("a list of record ids or of commands such as (4, id) and (6, 0, ids)")
        if kind == "binary":
            return _("a file in base64")
        if kind in ("indexed", "size"):
            size = field.size if kind == "size" else INDEXED_TEXT_MAX
            return _("text of at most %(max)s characters", max=size)
        if kind == "nul":
            return _("text without NUL characters")
        if kind == "count":
            return _("a whole number of 0 or more")
        if kind == "fields":
            return _("a list of field names")
        if kind == "ids":
            return _("a list of record ids")
        return _("a dictionary of field values")

    @staticmethod
    def _wsv_integer_ok(value):
        return not isinstance(value, list | tuple | dict) and -INT4 <= int(value) < INT4

    @staticmethod
    def _wsv_number_ok(value):
        # bounded: Odoo rounds a float to its digits by dividing it by the rounding (1e308
        # becomes infinity, a traceback); 1e15 is far above any amount or quantity
        return not isinstance(value, list | tuple | dict) and abs(float(value)) < NUMBER_MAX

    @staticmethod
    def _wsv_many2one_ok(value):
        if isinstance(value, tuple):  # (id, name), as read gives it
            value = value[0] if value else False
        if isinstance(value, str) and value.isdigit():
            value = int(value)  # the database takes a number in a string too
        return _is_id(value) or isinstance(value, dict | models.NewId)

    @staticmethod
    def _wsv_x2many_ok(value):
        if isinstance(value, tuple) and Base._wsv_x2many_items_ok([value]):
            return True  # one command as a tuple, as Odoo's write takes it
        return isinstance(value, list | tuple) and Base._wsv_x2many_items_ok(value)

    @staticmethod
    def _wsv_x2many_items_ok(items):
        """Ids, records, dicts and ``Command`` tuples, as Odoo takes them; anything else (a
        word, an unknown command code, a command too short) is refused."""

        def id_like(item):
            return _is_id(item) or isinstance(item, models.NewId | models.BaseModel)

        for item in items:
            if id_like(item) or isinstance(item, dict):
                continue
            if not isinstance(item, list | tuple) or not item or item[0] not in X2MANY_ARITY:
                return False
            code = item[0]
            if len(item) < X2MANY_ARITY[code]:
                return False
            if code in (0, 1) and not isinstance(item[2], dict):
                return False
            if code in (1, 2, 3, 4) and not id_like(item[1]):
                return False
            if code == 6 and item[2] and not isinstance(item[2], models.BaseModel):
                if isinstance(item[2], str | bytes | dict) or not all(id_like(i) for i in item[2]):
                    return False
        return True

    def _wsv_many2one_exists(self, field, value):
        """A company-dependent many2one is kept in a JSON column, without the foreign key
        that refuses a missing id elsewhere: a missing id would be stored and the record
        would no longer read. Its id must exist (other many2ones have the foreign key)."""
        if not field.company_dependent or not isinstance(value, int):
            return True
        return bool(self.env[field.comodel_name].browse(value).exists())

    def _wsv_model_label(self):
        return lang_env(self.env)["ir.model"].sudo()._get(self._name).name or self._name

    def _wsv_rule_message(self, field, rule, value):
        env = lang_env(self.env)
        label = field if isinstance(field, str) else field._description_string(env)
        shown = repr(value)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        return env._(
            "%(model)s, %(field)s: expects %(rule)s; got %(value)s.",
            model=self._wsv_model_label(),
            field=label,
            rule=rule,
            value=shown,
        )

    # ------------------------------------------------------------ arguments of searches
    # A domain, order, limit or field list that does not parse is the caller's mistake: it
    # is named to the caller instead of ending in a ValueError, KeyError or database error.
    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        for argument, number in (("offset", offset), ("limit", limit)):
            if number and not (type(number) is int and number >= 0):
                raise InputError(
                    self._wsv_rule_message(argument, self._wsv_rule_text("count"), number)
                )
        self._wsv_check_domain(domain)
        try:
            return super()._search(domain, offset=offset, limit=limit, order=order)
        except InputError:
            raise
        except ValueError as exc:  # only ValueError: callers catching TypeError still do
            raise InputError(
                self._wsv_query_message(lang_env(self.env)._("the domain or the order"), exc)
            ) from exc

    def _wsv_check_domain(self, domain):
        """A domain must be a list of terms in prefix notation: operators ("&", "|", "!")
        and 3-item leaves. Another shape ends in a TypeError or an AssertionError deep in
        Odoo; it is named to the caller here. Leaves themselves are Odoo's to check."""
        if domain is None or domain is False:
            return
        ok = isinstance(domain, list | tuple)
        needed = 1  # terms still expected; Odoo joins the top-level terms with "&"
        for term in domain if ok else ():
            if needed == 0:
                needed = 1  # the implicit "&" of the next top-level term
            if term in ("&", "|"):
                needed += 1
            elif term == "!":
                pass
            elif isinstance(term, list | tuple) and len(term) == 3:
                needed -= 1
                ok = self._wsv_leaf_ok(term)
                if not ok:
                    break
            else:
                ok = False
                break
        if not ok or (domain and needed):
            raise InputError(
                self._wsv_query_message(
                    lang_env(self.env)._("the domain or the order"),
                    lang_env(self.env)._(
                        "a list of conditions (field, operator, value) joined by '&', '|', '!'"
                    ),
                )
            )

    def _wsv_leaf_ok(self, leaf):
        """A number field (or id) compared with a word or a dictionary ends in a database
        error: refused here. Other leaves are Odoo's to check."""
        name, _operator, value = leaf
        field = self._fields.get(name) if isinstance(name, str) else None
        if isinstance(value, dict):
            return field is None or field.type in ("json", "properties")
        if field is None or field.type not in ("integer", "float", "monetary"):
            return True
        values = value if isinstance(value, list | tuple) else [value]
        return not any(isinstance(v, dict) or isinstance(v, str) and not _number(v) for v in values)

    def _wsv_query_message(self, argument, exc):
        return lang_env(self.env)._(
            "Search on %(model)s: %(argument)s is not valid (%(error)s).",
            model=self._wsv_model_label(),
            argument=argument,
            error=str(exc)[:300],
        )

    def _wsv_check_field_names(self, names):
        if names is None or names is False:
            return
        if isinstance(names, str | dict) or not all(isinstance(n, str) for n in names):
            raise InputError(self._wsv_rule_message("fields", self._wsv_rule_text("fields"), names))
        for name in names:
            if name not in self._fields:
                raise InputError(self._wsv_no_field(name))

    def _wsv_no_field(self, name):
        return lang_env(self.env)._(
            "%(model)s has no field %(field)s.",
            model=self._wsv_model_label(),
            field=repr(name)[:80],
        )

    def _wsv_check_ids(self):
        if not all(_is_id(i) or isinstance(i, models.NewId) for i in self._ids):
            raise InputError(
                self._wsv_rule_message("ids", self._wsv_rule_text("ids"), list(self._ids))
            )

    def read(self, fields=None, load="_classic_read"):
        self._wsv_check_ids()
        self._wsv_check_field_names(fields)
        return super().read(fields, load=load)

    @api.model
    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        self._wsv_check_field_names(field_names)
        return super().search_fetch(domain, field_names, offset=offset, limit=limit, order=order)

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        try:
            return super().read_group(
                domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy
            )
        except InputError:
            raise
        except ValueError as exc:  # only ValueError: callers catching TypeError still do
            raise InputError(
                self._wsv_query_message(
                    lang_env(self.env)._("the grouping, aggregates or order"), exc
                )
            ) from exc
