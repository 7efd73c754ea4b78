# Copyright 2026 WSV
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Dangerous actions ask for the password again (Odoo's identity check).

Odoo's ``check_identity`` decorator marks the method it wraps; our dangerous actions are
overridden in several addons (cancelling a contract is extended by fulfillment and the SAP
bridge), so the check is a call at the start of the action instead, through Odoo's own
decorator and its "Security Control" window: the action returns that window until the user
has typed their password in the last ten minutes, and the window runs the action again.

- A web-client session must pass the check.
- An XML-RPC / JSON-RPC call sends the password (or API key) with the call itself: it has
  just been checked.
- Without a request (the server's own jobs, scripts run on the server) there is nobody to
  ask; whoever runs code on the server has the database already.
"""

from odoo.http import request

from odoo.addons.base.models.res_users import check_identity

RPC_PATHS = ("/xmlrpc/", "/jsonrpc")


def identity_checked(action):
    """Marks an action that starts with ``identity_check``: Odoo's window runs again only a
    method so marked. Mark the outermost definition of the action (an addon that overrides
    it marks its own)."""
    setattr(action, "__has_check_identity", True)
    return action


def identity_check(records, method, *args, **kwargs):
    """None when the action may go on; otherwise the window that asks for the password,
    for the action to return. ``method`` is the action's name, run again after the check."""
    if not request or records.env.su or request.httprequest.path.startswith(RPC_PATHS):
        return None

    def action(self, *args, **kwargs):
        return None

    action.__name__ = method
    return check_identity(action)(records, *args, **kwargs)
