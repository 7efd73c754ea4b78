"""Receivable aging and collection plan as xlsx (OCA report_xlsx), from the installments
selected in the list."""

from odoo import models

from odoo.addons.wsv_crm_customer.models.i18n import lang_env

from ..lib import aging
from ..models.wsv_receivable_installment import OPEN_STATUSES


class ReceivableXlsx(models.AbstractModel):
    """What the two reports share: the open installments of the selection and the formats."""

    _name = "report.wsv_fulfillment.receivable_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Receivable Report (xlsx)"

    def _formats(self, workbook, installments):
        currency = installments.currency_id[:1] or self.env.company.currency_id
        return {
            "head": workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
            "money": workbook.add_format(
                {"num_format": self._report_xlsx_currency_format(currency)}
            ),
            "total": workbook.add_format(
                {"bold": True, "top": 1, "num_format": self._report_xlsx_currency_format(currency)}
            ),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "bold": workbook.add_format({"bold": True, "top": 1}),
        }

    def _sheet(self, workbook, title, headers, formats, widths):
        sheet = workbook.add_worksheet(title)
        for column, (header, width) in enumerate(zip(headers, widths, strict=True)):
            sheet.write(0, column, header, formats["head"])
            sheet.set_column(column, column, width)
        sheet.freeze_panes(1, 0)
        return sheet

    def generate_xlsx_report(self, workbook, data, objs):
        installments = objs.filtered(lambda i: i.status in OPEN_STATUSES)
        self._write_sheet(workbook, installments, self._formats(workbook, installments))
        return workbook


class ReceivableAgingXlsx(models.AbstractModel):
    _name = "report.wsv_fulfillment.receivable_aging_xlsx"
    _inherit = "report.wsv_fulfillment.receivable_xlsx"
    _description = "Receivable Aging (xlsx)"

    def _write_sheet(self, workbook, installments, formats):
        _ = lang_env(self.env)._
        headers = [_("Customer"), _("Not Overdue")] + list(aging.LABELS) + [_("Total Open")]
        sheet = self._sheet(
            workbook, _("Receivable Aging"), headers, formats, [36] + [14] * (len(headers) - 1)
        )
        rows = {}
        for item in installments:
            row = rows.setdefault(item.partner_id, [0.0] * (len(aging.LABELS) + 1))
            column = aging.LABELS.index(item.aging_bucket) + 1 if item.aging_bucket else 0
            row[column] += item.amount_open
        totals = [0.0] * (len(aging.LABELS) + 1)
        line = 0
        for line, (partner, amounts) in enumerate(
            sorted(rows.items(), key=lambda r: -sum(r[1])), start=1
        ):
            sheet.write(line, 0, partner.display_name)
            for column, amount in enumerate(amounts, start=1):
                sheet.write_number(line, column, amount, formats["money"])
                totals[column - 1] += amount
            sheet.write_number(line, len(amounts) + 1, sum(amounts), formats["money"])
        sheet.write(line + 1, 0, _("Total"), formats["bold"])
        for column, amount in enumerate(totals + [sum(totals)], start=1):
            sheet.write_number(line + 1, column, amount, formats["total"])


class CollectionPlanXlsx(models.AbstractModel):
    _name = "report.wsv_fulfillment.collection_plan_xlsx"
    _inherit = "report.wsv_fulfillment.receivable_xlsx"
    _description = "Collection Plan (xlsx)"

    def _write_sheet(self, workbook, installments, formats):
        _ = lang_env(self.env)._
        headers = [
            _("Due Month"),
            _("Due Date"),
            _("Customer"),
            _("Contract"),
            _("Installment"),
            _("Owner"),
            _("Status"),
            _("Open"),
        ]
        sheet = self._sheet(
            workbook, _("Collection Plan"), headers, formats, [10, 12, 36, 16, 22, 14, 12, 14]
        )
        statuses = dict(installments._fields["status"]._description_selection(lang_env(self.env)))
        line, month, subtotal = 0, None, 0.0

        def close_month():
            nonlocal line
            if month is not None:
                line += 1
                sheet.write(line, 0, _("Subtotal %s", month), formats["bold"])
                sheet.write_number(line, 7, subtotal, formats["total"])

        for item in installments.sorted(lambda i: (not i.due_date, i.due_date or 0, i.id)):
            item_month = item.due_date.strftime("%Y-%m") if item.due_date else _("Not Yet Due")
            if item_month != month:
                close_month()
                month, subtotal = item_month, 0.0
            line += 1
            sheet.write(line, 0, item_month)
            if item.due_date:
                sheet.write_datetime(line, 1, item.due_date, formats["date"])
            sheet.write(line, 2, item.partner_id.display_name)
            sheet.write(line, 3, item.order_id.contract_number or "")
            sheet.write(line, 4, item.name)
            sheet.write(line, 5, item.user_id.name or "")
            sheet.write(line, 6, statuses.get(item.status, ""))
            sheet.write_number(line, 7, item.amount_open, formats["money"])
            subtotal += item.amount_open
        close_month()
