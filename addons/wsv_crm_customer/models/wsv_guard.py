"""The one door for every write (DESIGN: "the workflow is the only door").

A model that inherits ``wsv.guard.mixin`` declares
- ``_wsv_workflow``: the fields only its actions write (states);
- ``_wsv_derived``: the facts the system derives (dates, numbers, amounts): never a user's;
- ``_wsv_state``: the path of the state that decides what a user may write
  (``"state"``, ``"order_id.contract_state"``; ``None`` for models without one);
- ``_wsv_allow_table()``: ``{state: {group xml id or "": fields or ALL}}``, the allowlist:
  what a user of each group may write on a record in that state ("" is every user with
  access, ``"*"`` as the state is every state). Whatever is not listed is refused.

Every guarded model calls ``vals_list = _wsv_check_create(vals_list)`` and
``vals = _wsv_check_write(vals)`` first thing in its own ``create``/``write``, before it adds
anything of its own to the values: the check sees what the user sent, as the user sent it, and
returns copies to add to. (After a serialization failure Odoo runs the request again with the
same arguments: a number or state a model put into the caller's dicts the first time would
then look like the user's and be refused.) Internal code writes its
facts through ``_wsv_system()`` (or sudo), which a client can never reach: the context key
holds a Python object that no JSON or XML-RPC value can be.
"""

from odoo import models
from odoo.exceptions import UserError

from .i18n import lang_env
from .res_partner import TRUSTED, trusted

ALL = frozenset({"*"})  # every field a user can edit in Odoo (not read-only), less the guarded
GUARD_KEY = "wsv_guard"
# what the framework's mixins write for any user (followers, activities, attachments)
FRAMEWORK_PREFIXES = ("message_", "activity_", "website_message", "rating_", "__last_update")


class WsvGuardMixin(models.AbstractModel):
    _name = "wsv.guard.mixin"
    _description = "Write Allowlist"

    _wsv_workflow = ()
    _wsv_derived = ()
    _wsv_state = None

    def _wsv_allow_table(self, create=False):
        """The allowlist; ``create`` asks for the fields a new record may be given, where a
        model makes a difference (what is filed once and then kept)."""
        return {}

    def _wsv_guarded_fields(self):
        """The fields under the allowlist; a core model narrows it to the fields our rules
        are about, so Odoo's own fields behave as in Odoo."""
        return {name for name in self._fields if not name.startswith(FRAMEWORK_PREFIXES)}

    def _wsv_in_scope(self):
        """The records under the guard (a core model guards only its documents)."""
        return self

    def _wsv_system(self):
        """The records in the system's hands: for the actions and jobs that own the facts.
        The caller's ``default_*`` keys are dropped: Odoo would fill the fields a system
        create leaves out from them (a client's context reaches every action)."""
        context = {k: v for k, v in self.env.context.items() if not k.startswith("default_")}
        # replacing the whole context is the point here: it is how keys are dropped
        return self.with_context(dict(context, **{GUARD_KEY: TRUSTED}))  # pylint: disable=context-overridden

    def _wsv_trusted(self):
        return self.env.su or trusted(self.env, GUARD_KEY)

    # ------------------------------------------------------------ the allowlist
    def _wsv_state_value(self, vals=None):
        """The state deciding the allowlist: of the record, or of the values being created."""
        if not self._wsv_state:
            return None
        head, _dot, rest = self._wsv_state.partition(".")
        if vals is None:
            value = self[head]
        elif head in vals:
            value = self._fields[head].convert_to_record(
                self._fields[head].convert_to_cache(vals[head], self, validate=False), self
            )
        else:
            value = self.default_get([head]).get(head)
            if rest:
                value = self._fields[head].convert_to_record(
                    self._fields[head].convert_to_cache(value, self, validate=False), self
                )
        for name in rest.split(".") if rest else ():
            value = value[name] if value else False
        return value or None

    def _wsv_allowed(self, state, create=False):
        table = self._wsv_allow_table(create=create)
        allowed = set()
        for key in (state, "*"):
            for group, names in table.get(key, {}).items():
                if not group or self.env.user.has_group(group):
                    if names is ALL:
                        return ALL
                    allowed |= set(names)
        return allowed

    def _wsv_refused(self, names, state, create=False):
        """Of ``names`` (guarded ones), those the user may not write in ``state``."""
        allowed = self._wsv_allowed(state, create)
        closed = set(self._wsv_workflow) | set(self._wsv_derived)
        if allowed is ALL:
            return {n for n in names if n in closed or self._fields[n].readonly}
        return {n for n in names if n in closed or n not in allowed}

    def _wsv_unchanged(self, name, value):
        """A value equal to the stored one changes nothing (a form that saves a read-only
        field, a client that sends the whole record)."""
        field = self._fields[name]
        if field.type in ("one2many", "many2many"):
            # no command, no change (False would clear the relation)
            return isinstance(value, list | tuple) and not value
        # compared with the stored value itself, not with a size shown for binaries
        record = self.with_context(bin_size=False, bin_size_fields=False)
        try:
            new = field.convert_to_record(field.convert_to_cache(value, record), record)
        except (ValueError, TypeError):
            return False
        return new == record[name]

    # ------------------------------------------------------------ the checks
    def _wsv_check_create(self, vals_list):
        """Refuse what the user may not give a new record; the values, copied."""
        copies = [dict(vals) for vals in vals_list]
        if self._wsv_trusted():
            return copies
        # who may not create at all hears so first (the model's access rights)
        self.browse().check_access("create")
        guarded = self._wsv_guarded_fields()
        defaults = {
            k[len("default_") :]
            for k in self.env.context
            if k.startswith("default_") and k[len("default_") :] in guarded
        }
        for vals in vals_list:
            # a state given as its default value (a new record's first state) is no move, and
            # an empty value sets no fact (a form sends its empty lists and read-only fields)
            names = {
                n
                for n in (set(vals) | defaults) & guarded
                if not (n in self._wsv_workflow and vals.get(n) == self._wsv_default(n))
                and not (n not in self._wsv_workflow and n in vals and not vals[n])
            }
            state = self._wsv_state_value(vals)
            refused = self._wsv_refused(names, state, create=True)
            if refused:
                raise UserError(self._wsv_message(refused, state))
        return copies

    def _wsv_default(self, name):
        default = self._fields[name].default
        return default(self.browse()) if default else False

    def _wsv_check_write(self, vals):
        """Refuse what the user may not write on these records; the values, copied."""
        if self._wsv_trusted():
            return dict(vals)
        self.browse().check_access("write")
        names = set(vals) & self._wsv_guarded_fields()
        if not names:
            return dict(vals)
        if self._wsv_state and "." in self._wsv_state and self._wsv_state.split(".")[0] in vals:
            # moved to another parent: that one must be open to the values as a new child
            self.browse()._wsv_check_create([vals])
        for record in self._wsv_in_scope():
            state = record._wsv_state_value()
            refused = {
                n
                for n in record._wsv_refused(names, state)
                if not record._wsv_unchanged(n, vals[n])
            }
            if refused:
                raise UserError(record._wsv_message(refused, state))
        return dict(vals)

    def _wsv_check_unlink(self):
        """Deleting is editing: only where the state leaves the record open to every edit."""
        if self._wsv_trusted():
            return
        for record in self._wsv_in_scope():
            state = record._wsv_state_value()
            if record._wsv_allowed(state) is not ALL:
                raise UserError(
                    lang_env(self.env)._(
                        "%(record)s is %(state)s: it can no longer be deleted.",
                        record=record._wsv_label(),
                        state=record._wsv_state_label(state) if state else "-",
                    )
                )

    def _wsv_message(self, names, state):
        _ = lang_env(self.env)._
        labels = ", ".join(
            sorted(self._fields[n]._description_string(lang_env(self.env)) for n in names)
        )
        flow = [n for n in names if n in self._wsv_workflow]
        if flow:
            return _(
                "%(fields)s: changed only through the buttons of %(model)s (%(actions)s), "
                "not by editing.",
                fields=labels,
                model=self._description_label(),
                actions=self._wsv_actions_hint(),
            )
        if names & set(self._wsv_derived):
            return _(
                "%(fields)s: set by the system (%(model)s), not by users.",
                fields=labels,
                model=self._description_label(),
            )
        if state:
            return _(
                "%(record)s is %(state)s: %(fields)s may not be changed in this state by your "
                "role.",
                record=self._wsv_label(),
                state=self._wsv_state_label(state),
                fields=labels,
            )
        return _(
            "%(record)s: %(fields)s may not be changed by your role.",
            record=self._wsv_label(),
            fields=labels,
        )

    def _wsv_state_label(self, state):
        """The state's name in the user's language, also for a state read through a path."""
        model = self
        *heads, last = self._wsv_state.split(".")
        for name in heads:
            model = self.env[model._fields[name].comodel_name]
        field = model._fields[last]
        if field.type != "selection":
            return str(state)
        return dict(field._description_selection(lang_env(self.env))).get(state, state)

    def _wsv_label(self):
        """The record in a message: a line or milestone is named by what it belongs to."""
        label = self._description_label()
        if self._wsv_state and "." in self._wsv_state:
            parent = self[self._wsv_state.split(".")[0]]
            if parent:
                return f"{label} ({parent.display_name})"
        if self and self.display_name and "," not in self.display_name:
            return self.display_name
        return label

    def _description_label(self):
        return lang_env(self.env)["ir.model"]._get(self._name).name or self._description

    def _wsv_actions_hint(self):
        """The buttons that move the state, for the error message."""
        return lang_env(self.env)._("its action buttons")
