from odoo import api, fields, models

from odoo.addons.wsv_crm_customer.models.wsv_guard import ALL

CONTRACT_TYPES = [
    ("framework", "Framework"),
    ("single", "Single"),
    ("supplementary", "Supplementary"),
]
DOCUMENT_TYPES = [
    ("bid_notice", "Bid-winning Notice"),
    ("signed_original", "Signed Original"),
    ("technical_agreement", "Technical Agreement"),
    ("other", "Other"),
]


class WsvContractDocument(models.Model):
    """A document in a contract's archive (合同档案); a new upload of a type is a new version."""

    _name = "wsv.contract.document"
    _inherit = ["wsv.guard.mixin"]
    _description = "Contract Document"
    _wsv_derived = ("version",)
    _wsv_state = "order_id.contract_state"
    _order = "doc_type, version desc"

    order_id = fields.Many2one(
        "sale.order", string="Contract", required=True, ondelete="cascade", index=True
    )
    doc_type = fields.Selection(DOCUMENT_TYPES, string="Document Type", required=True)
    version = fields.Integer(readonly=True, default=1)
    file = fields.Binary(required=True, attachment=True)
    file_name = fields.Char()
    note = fields.Char()
    create_uid = fields.Many2one("res.users", string="Uploaded By", readonly=True)
    create_date = fields.Datetime(string="Uploaded On", readonly=True)

    def _wsv_allow_table(self, create=False):
        # the archive is open while the contract is prepared; from signing on a document is
        # kept as filed (a correction is a new version), and a cancelled contract's is history
        filed = {"": {"order_id", "doc_type", "file", "file_name", "note"} if create else {"note"}}
        return {
            "draft": {"": ALL},
            "review": {"": ALL},
            "approved": {"": ALL},
            "signed": filed,
            "executing": filed,
            "closed": filed,
        }

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = self._wsv_check_create(vals_list)
        for vals in vals_list:
            previous = self.search(
                [("order_id", "=", vals.get("order_id")), ("doc_type", "=", vals.get("doc_type"))],
                order="version desc",
                limit=1,
            )
            vals["version"] = previous.version + 1
        return super().create(vals_list)

    def write(self, vals):
        vals = self._wsv_check_write(vals)
        return super().write(vals)

    def unlink(self):
        self._wsv_check_unlink()
        return super().unlink()


class WsvContractDocRequirement(models.Model):
    """The documents a contract type needs before it can be signed."""

    _name = "wsv.contract.doc.requirement"
    _description = "Required Contract Document"
    _order = "contract_type, doc_type"

    contract_type = fields.Selection(CONTRACT_TYPES, required=True)
    doc_type = fields.Selection(DOCUMENT_TYPES, string="Document Type", required=True)

    _sql_constraints = [
        (
            "type_doc_unique",
            "UNIQUE (contract_type, doc_type)",
            "This document is required already.",
        ),
    ]

    @api.model
    def _required_map(self):
        required = {code: [] for code, _label in CONTRACT_TYPES}
        for row in self.sudo().search([]):
            required[row.contract_type].append(row.doc_type)
        return required

    @api.model
    def _required(self, contract_type):
        return set(self.sudo().search([("contract_type", "=", contract_type)]).mapped("doc_type"))
