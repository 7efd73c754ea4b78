"""What the contract, requirement and delivery workflows share."""

from odoo.exceptions import UserError

from odoo.addons.wsv_crm_customer.models.i18n import lang_env


def check_state(records, field, states, message, **names):
    """Refuse the step unless every record is in one of ``states``: a UserError from
    ``message`` (already translated, with %(state)s and %(needed)s for the wrong record's
    state and the needed ones, "A / B"), and a placeholder per ``names`` entry
    (placeholder=field of the record, e.g. number="contract_number")."""
    wrong = records.filtered(lambda r: r[field] not in states)[:1]
    if wrong:
        labels = dict(records._fields[field]._description_selection(lang_env(records.env)))
        raise UserError(
            message
            % {
                "state": labels[wrong[field]],
                "needed": " / ".join(labels[s] for s in states),
                **{key: wrong[name] for key, name in names.items()},
            }
        )
