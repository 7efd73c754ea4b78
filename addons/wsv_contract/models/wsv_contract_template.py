from odoo import fields, models

from .wsv_contract_document import CONTRACT_TYPES


class WsvContractTemplate(models.Model):
    """A standard contract (合同模板): its document, default clauses, milestones, warranty."""

    _name = "wsv.contract.template"
    _description = "Contract Template"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    contract_type = fields.Selection(CONTRACT_TYPES, required=True, default="single")
    document = fields.Binary(string="Standard Document", attachment=True)
    document_name = fields.Char()
    clauses = fields.Html(string="Default Clauses", translate=True)
    warranty_months = fields.Integer(string="Warranty (months)")
    lead_days = fields.Integer(string="Delivery Lead Time (days)")
    milestone_ids = fields.One2many(
        "wsv.contract.milestone", "template_id", string="Payment Milestones"
    )
    active = fields.Boolean(default=True)

    def _contract_values(self):
        """What choosing this template fills on a contract."""
        self.ensure_one()
        return {
            "contract_type": self.contract_type,
            "clauses": self.clauses,
            "warranty_months": self.warranty_months,
            "lead_days": self.lead_days,
            "milestone_ids": [(5, 0, 0)]
            + [
                (
                    0,
                    0,
                    {
                        "sequence": m.sequence,
                        "name": m.name,
                        "trigger": m.trigger,
                        "percent": m.percent,
                        "amount": m.amount,
                        "days": m.days,
                    },
                )
                for m in self.milestone_ids
            ],
        }
