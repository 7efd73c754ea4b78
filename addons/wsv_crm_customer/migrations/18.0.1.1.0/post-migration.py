# Copyright 2026 WSV
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The release that brought the password policy, lockout and idle-session timeout: a database
installed before it gets them as a new one does (data/wsv_security_data.xml)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if version:
        api.Environment(cr, SUPERUSER_ID, {})["res.users"]._wsv_security_defaults()
