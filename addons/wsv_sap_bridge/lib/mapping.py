"""What a contract needs before SAP can take it: the mapping of its team, customer, products
and payment terms to SAP's keys. Plain data in, a list of what is missing out, so the model
can say each one in the reader's language."""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Facts:
    """A contract as the mapping sees it (names for the messages, SAP keys or "")."""

    contract: str
    team: str  # the sales team's name, "" when the contract has none
    sales_org: str
    distr_chan: str
    division: str
    customer: str
    sold_to: str
    payment_term: str  # its name, "" when the contract has none (SAP's default applies)
    payment_term_code: str
    products: tuple  # (product name, SAP material number or "") per line
    state: str = "signed"
    ref_doc_needed: bool = False  # a change order, whose original has no SAP number yet
    original_cancelled: bool = False  # a change order of a contract cancelled since


def missing(facts):
    """[(what, detail)]: every gap, so one message lists all that must be fixed.

    what is one of: team, team_keys, sold_to, payment_term, material, no_lines, cancelled,
    original_cancelled, original; detail is the name to show (a list of SAP keys for
    team_keys). ``original`` alone is a wait, not a gap: the original's job sends it."""
    gaps = []
    if facts.state == "cancel":
        return [("cancelled", facts.contract)]
    if not facts.team:
        gaps.append(("team", facts.contract))
    else:
        keys = [
            label
            for label, value in (
                ("SALES_ORG", facts.sales_org),
                ("DISTR_CHAN", facts.distr_chan),
                ("DIVISION", facts.division),
            )
            if not value
        ]
        if keys:
            gaps.append(("team_keys", (facts.team, tuple(keys))))
    if not facts.sold_to:
        gaps.append(("sold_to", facts.customer))
    if facts.payment_term and not facts.payment_term_code:
        gaps.append(("payment_term", facts.payment_term))
    if not facts.products:
        gaps.append(("no_lines", facts.contract))
    for name in sorted({name for name, material in facts.products if not material}):
        gaps.append(("material", name))
    if facts.original_cancelled:
        gaps.append(("original_cancelled", facts.contract))
    elif facts.ref_doc_needed and not gaps:
        gaps.append(("original", facts.contract))
    return gaps
