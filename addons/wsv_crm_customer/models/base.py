# Copyright 2026 WSV
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import UserError

from .i18n import lang_env


class SingletonError(UserError, ValueError):
    """Odoo's "Expected singleton" as a message. Still a ValueError for the code that catches
    Odoo's; a UserError so that an integrator who passes several ids to a one-record method
    (an approval, a window) gets a translated fault instead of a traceback."""


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
