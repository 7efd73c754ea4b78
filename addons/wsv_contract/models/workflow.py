"""What the contract and requirement workflows share."""


def wrong_state(records, field, states):
    """The first record not in one of ``states``, with its state's label and the labels of
    ``states`` ("A / B"), for the caller's own message; None when all are in place."""
    wrong = records.filtered(lambda r: r[field] not in states)[:1]
    if not wrong:
        return None
    labels = dict(records._fields[field]._description_selection(records.env))
    return wrong, labels[wrong[field]], " / ".join(labels[s] for s in states)
