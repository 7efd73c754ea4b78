# Copyright 2026 WSV
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.tools import config


class DbBackup(models.Model):
    _inherit = "db.backup"

    def action_backup(self):
        """auto_backup's backup, with the database manager closed (list_db = False) as it is
        deployed. Odoo's dump answers only while the manager is open, so the job opens it for
        itself for the time of the dump, in its own process: as deployed a worker (or the cron
        worker) serves one request at a time, so nothing else is answered meanwhile (Odoo's
        own "odoo-bin db" command does the same). Without it every backup failed."""
        saved = config["list_db"]
        config["list_db"] = True
        try:
            super().action_backup()
        finally:
            config["list_db"] = saved
        # a button's answer XML-RPC can carry (auto_backup's is None)
        return True
