# Copyright 2026 WSV
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import ValidationError

from .i18n import lang_env

BACKUP_CRON = "auto_backup.ir_cron_backup_scheduler_0"
# the longest interval the backup job may have: a week
MAX_DAYS = {"minutes": 7 * 24 * 60, "hours": 7 * 24, "days": 7, "weeks": 1, "months": 0}


class IrCron(models.Model):
    _inherit = "ir.cron"

    @api.constrains("active", "interval_number", "interval_type")
    def _check_wsv_backup_interval(self):
        """Backups may be made more often than daily, never less often than weekly, and the
        job is not switched off."""
        backup = self.env.ref(BACKUP_CRON, raise_if_not_found=False)
        for cron in self & (backup or self.browse()):
            if not cron.active or cron.interval_number > MAX_DAYS.get(cron.interval_type, 0):
                raise ValidationError(
                    lang_env(self.env)._(
                        "Backup Scheduler: the database is backed up at least once a week; "
                        "choose an interval of 7 days or less and keep the job active."
                    )
                )
