"""Who may do what, over XML-RPC: role x model x operation -> allowed or refused.

Roles are demo users (password = login):
  S sunlei (salesperson, owns the 江苏 contract)   O zhouting (another salesperson)
  M liqiang (manager of S's team)                  D wangjianguo (sales director)
  F mali (finance)   P zhuzhenhua (product manager)   R huming (contract reviewer)
  I lintao (integration administrator)

Each row: (model, record, operation, roles allowed). Records are found in the demo data by
test_access_table.fixtures. Operations:
  read                 read the record's display name
  write FIELD=VALUE    write that value (refused: nothing changes; allowed: written, then
                       the old value written back by the same user)
  unlink               probed only for the roles that must be refused
  call METHOD          probed only for the roles that must be refused
Every role not listed is refused. The walk-arounds of issue 8 are rows here.
"""

ROLES = {
    "S": "sunlei",
    "O": "zhouting",
    "M": "liqiang",
    "D": "wangjianguo",
    "F": "mali",
    "P": "zhuzhenhua",
    "R": "huming",
    "I": "lintao",
}

TABLE = [
    # customers (res.partner): our fields by allowlist, Odoo's as in Odoo
    ("res.partner", "customer", "read", "SMDFPRI"),
    ("res.partner", "customer", "write region=north", "SMD"),
    ("res.partner", "customer", "write grade=A", ""),
    ("res.partner", "customer", "write owner_date=2099-01-01 00:00:00", ""),
    ("res.partner", "customer", "write customer_code=KH-FAKE", ""),
    ("res.partner", "customer", "write last_won_date=2099-01-01", ""),
    ("res.partner", "customer", "write grade_computed=A", ""),
    ("res.partner", "customer", "write partner_kind=channel", "D"),
    ("res.partner", "customer", "unlink", "SMD"),
    ("res.partner", "customer", "call action_recompute_grade", "SMD"),
    # contracts (sale.order): states through actions, terms frozen once signed
    ("sale.order", "contract", "read", "SMDFRP"),
    ("sale.order", "contract", "write contract_state=draft", ""),
    ("sale.order", "contract", "write state=draft", ""),
    ("sale.order", "contract", "write revenue_share=9", ""),
    ("sale.order", "contract", "write clauses=<p>x</p>", ""),
    ("sale.order", "contract", "write contract_number=HT-FAKE", ""),
    ("sale.order", "contract", "write customer_contract_ref=GW-REF-1", "SMDFRP"),
    ("sale.order", "contract", "write signing_date=2026-01-02", "DF"),
    ("sale.order", "contract", "call action_contract_execute", "SMD"),
    ("sale.order", "contract", "call action_wsv_generate_schedule", "SMDFRP"),
    ("sale.order", "contract", "call request_validation", ""),
    ("sale.order", "contract", "call restart_validation", ""),
    ("sale.order", "contract", "call action_cancel", ""),
    ("sale.order", "contract", "call action_contract_close", ""),
    ("sale.order", "contract", "unlink", ""),
    # approvals: only a pending reviewer decides, only through the contract's buttons
    # (its tiers: a long warranty for the contract reviewers, and one of finance's rules;
    # none for the product managers)
    ("sale.order", "pending", "call validate_tier", "RF"),
    ("sale.order", "pending", "call reject_tier", "RF"),
    ("sale.order", "pending", "write revenue_share=9", ""),
    ("sale.order", "pending", "write contract_state=approved", ""),
    ("tier.review", "tier_review", "write status=approved", ""),
    ("tier.review", "tier_review", "unlink", ""),
    ("sale.order.line", "contract_line", "read", "SMDFRP"),
    ("sale.order.line", "contract_line", "write price_unit=1", ""),
    ("sale.order.line", "contract_line", "write qty_delivered=5", ""),
    ("sale.order.line", "contract_line", "unlink", ""),
    ("wsv.contract.milestone", "milestone", "read", "SMDFRP"),
    ("wsv.contract.milestone", "milestone", "write days=99", ""),
    ("wsv.contract.milestone", "milestone", "unlink", ""),
    ("wsv.review.result", "review_result", "read", "SMDFRP"),
    ("wsv.review.result", "review_result", "write outcome=pass", ""),
    ("wsv.review.result", "review_result", "unlink", ""),
    ("wsv.contract.document", "document", "read", "SMDFRP"),
    ("wsv.contract.document", "document", "write version=9", ""),
    ("wsv.contract.template", "template", "write lead_days=77", "D"),
    ("wsv.review.rule", "review_rule", "write max_months=99", "D"),
    ("wsv.material.code.rule", "code_rule", "read", "SOMDPR"),
    ("wsv.material.code.rule", "code_rule", "write padding=7", "DP"),
    ("wsv.material.code.rule", "code_rule", "write next_number=1", "DP"),
    # the money side
    ("wsv.receivable.installment", "installment", "read", "SMDF"),
    ("wsv.receivable.installment", "installment", "write amount=1", ""),
    ("wsv.receivable.installment", "installment", "write status=collected", ""),
    ("wsv.receivable.installment", "installment", "write due_date=2099-01-01", ""),
    ("wsv.receivable.installment", "installment", "write amount_collected=1", ""),
    ("wsv.receivable.installment", "installment", "write disposition_note=催收中", "SMDF"),
    ("wsv.receivable.installment", "installment", "unlink", ""),
    ("wsv.delivery.request", "delivery", "read", "SMDFI"),
    ("wsv.delivery.request", "delivery", "write state=draft", ""),
    ("wsv.delivery.request", "delivery", "write reference=X", ""),
    ("wsv.delivery.request", "delivery", "unlink", ""),
    ("wsv.sales.target", "target", "read", "SMDF"),
    ("wsv.sales.target", "target", "write target_signed=1", "MD"),
    ("wsv.sales.target", "target", "unlink", "MD"),
    # configuration and logs
    ("wsv.registry.backend", "registry_backend", "read", "I"),
    ("wsv.registry.backend", "registry_backend", "write timeout=9", "I"),
    ("wsv.grade.rule", "grade_rule", "write min_contract_amount=1", "D"),
    ("wsv.recycle.rule", "recycle_rule", "write no_followup_days=1", "D"),
    ("wsv.holding.limit", "holding_limit", "write max_customers=1", "D"),
    # SAP: the integration administrator's outbox; SAP's facts are the system's
    ("res.partner", "customer", "write sap_customer_number=0000109999", "D"),
    ("sale.order", "contract", "write sap_order_number=4711", ""),
    ("sale.order.line", "contract_line", "write sap_production_order=PO-FAKE", ""),
    ("wsv.sap.backend", "sap_backend", "read", "I"),
    ("wsv.sap.backend", "sap_backend", "write timeout=9", "I"),
    ("wsv.sap.backend", "sap_backend", "unlink", ""),
    ("wsv.sap.backend", "sap_backend", "call action_requeue_failed", "I"),
    ("wsv.sap.backend", "sap_backend", "call action_test_connection", "I"),
    ("wsv.sap.sending", "sap_sending", "read", "I"),
    ("wsv.sap.sending", "sap_sending", "write state=failed", ""),
    ("wsv.sap.sending", "sap_sending", "write sap_order_number=4711", ""),
    ("wsv.sap.sending", "sap_sending", "call action_requeue", "I"),
    ("wsv.sap.sending", "sap_sending", "unlink", ""),
    ("wsv.sap.attempt", "sap_attempt", "read", "I"),
    ("wsv.sap.attempt", "sap_attempt", "write message=x", ""),
    ("wsv.sap.attempt", "sap_attempt", "unlink", ""),
    # invoicing: sales apply, finance issues; the platform's facts are the jobs'
    ("wsv.invoice.application", "application", "read", "SMDF"),
    ("wsv.invoice.application", "application", "write remark=请按合同开票", "SMDF"),
    ("wsv.invoice.application", "application", "write state=invoiced", ""),
    ("wsv.invoice.application", "application", "write pre_invoice=1", ""),
    ("wsv.invoice.application", "application", "write name=KP-FAKE", ""),
    ("wsv.invoice.application", "application", "call request_validation", ""),
    ("wsv.invoice.application", "application", "call validate_tier", ""),
    ("wsv.invoice.application", "application", "call action_submit", "SMDF"),
    ("wsv.invoice.application", "application", "unlink", ""),
    ("wsv.invoice.application.line", "application_line", "read", "SMDF"),
    ("wsv.invoice.application.line", "application_line", "write price_unit=1", ""),
    ("wsv.invoice.application.line", "application_line", "write tax_code=1234567890123456789", ""),
    ("account.move", "invoice", "write einvoice_number=12345678901234567890", ""),
    ("account.move", "invoice", "write einvoice_state=issued", ""),
    # (issued: its buyer no longer changes, not even by finance)
    ("account.move", "invoice", "write einvoice_buyer_name=改名公司", ""),
    ("account.move", "invoice", "call action_wsv_einvoice_issue", "F"),
    ("account.move", "invoice", "call action_wsv_einvoice_red_wizard", "F"),
    ("wsv.einvoice.backend", "einvoice_backend", "read", "FI"),
    ("wsv.einvoice.backend", "einvoice_backend", "write timeout=9", "I"),
    ("wsv.einvoice.backend", "einvoice_backend", "unlink", ""),
    ("wsv.einvoice.backend", "einvoice_backend", "call action_retry_failed", "FI"),
    ("wsv.einvoice.attempt", "einvoice_attempt", "read", "FI"),
    ("wsv.einvoice.attempt", "einvoice_attempt", "write message=x", ""),
    ("wsv.einvoice.attempt", "einvoice_attempt", "unlink", ""),
    # the audit trail: read by administrators only, written by nobody (issue 14)
    ("auditlog.log", "audit_log", "read", ""),
    ("auditlog.log", "audit_log", "write name=x", ""),
    ("auditlog.log", "audit_log", "unlink", ""),
    ("auditlog.log.line", "audit_line", "read", ""),
    ("auditlog.log.line", "audit_line", "write new_value=x", ""),
    ("auditlog.rule", "audit_rule", "read", ""),
    ("auditlog.rule", "audit_rule", "write log_read=False", ""),
    ("auditlog.rule", "audit_rule", "call unsubscribe", ""),
    # backups and accounts: the administrators'
    ("db.backup", "backup", "read", ""),
    ("db.backup", "backup", "write days_to_keep=1", ""),
    ("db.backup", "backup", "call action_backup", ""),
    ("res.users", "user", "call action_wsv_unlock", ""),
]
