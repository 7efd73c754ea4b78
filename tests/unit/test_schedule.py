import random
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from odoo.addons.wsv_contract.lib import milestones
from odoo.addons.wsv_fulfillment.lib import schedule
from odoo.addons.wsv_fulfillment.lib.schedule import Events, Installment, Term, build, merge

SIGNED = date(2024, 3, 1)
THIRD = 1 / 3

# A usual meter contract of 1,000,000: 30 % advance, 50 % on delivery, 10 % on acceptance
# after 30 days, 10 % retention (质保金) at the end of the warranty.
USUAL = [
    Term("m1", "signing", 300_000),
    Term("m2", "delivery", 500_000, days=30),
    Term("m3", "acceptance", 100_000, days=30),
    Term("m4", "warranty_end", 100_000),
]


def test_triggers_match_the_contract_milestones():
    assert schedule.TRIGGERS == milestones.TRIGGERS


def test_nothing_happened_yet_nothing_is_due():
    assert build(USUAL, Events()) == [
        Installment("m1", "signing", 300_000.0, None),
        Installment("m2/1", "delivery", 500_000.0, None),
        Installment("m3", "acceptance", 100_000.0, None),
        Installment("m4", "warranty_end", 100_000.0, None),
    ]


def test_a_whole_contract_life():
    events = Events(
        signing=SIGNED,
        deliveries=((date(2024, 4, 1), 0.5), (date(2024, 5, 1), 0.5)),
        acceptance=date(2024, 6, 1),
        warranty_end=date(2025, 6, 1),
    )
    assert build(USUAL, events) == [
        Installment("m1", "signing", 300_000.0, SIGNED),
        Installment("m2/1", "delivery", 250_000.0, date(2024, 5, 1)),
        Installment("m2/2", "delivery", 250_000.0, date(2024, 5, 31)),
        Installment("m3", "acceptance", 100_000.0, date(2024, 7, 1)),
        Installment("m4", "warranty_end", 100_000.0, date(2025, 6, 1)),
    ]


@pytest.mark.parametrize(
    "trigger,events",
    [
        ("signing", Events(signing=date(2024, 1, 10))),
        ("acceptance", Events(acceptance=date(2024, 1, 10))),
        ("warranty_end", Events(warranty_end=date(2024, 1, 10))),
        ("invoice", Events(invoices=((date(2024, 1, 10), 500.0),))),
    ],
)
@pytest.mark.parametrize("days,due", [(0, date(2024, 1, 10)), (45, date(2024, 2, 24))])
def test_single_installment_terms_are_due_days_after_their_trigger(trigger, events, days, due):
    assert build([Term("t", trigger, 1000, days=days)], events) == [
        Installment("t", trigger, 1000.0, due)
    ]


@pytest.mark.parametrize("trigger", ["signing", "acceptance", "invoice", "warranty_end"])
def test_other_events_do_not_start_a_term(trigger):
    everything_else = Events(
        signing=None if trigger == "signing" else SIGNED,
        deliveries=((SIGNED, 1.0),),
        acceptance=None if trigger == "acceptance" else SIGNED,
        invoices=() if trigger == "invoice" else ((SIGNED, 1.0),),
        warranty_end=None if trigger == "warranty_end" else SIGNED,
    )
    assert build([Term("t", trigger, 10, days=5)], everything_else)[0].due is None


def test_an_invoice_term_is_due_after_the_first_invoice_whatever_the_order():
    invoices = ((date(2024, 5, 2), 100.0), (date(2024, 4, 30), 50.0), (date(2024, 6, 1), 1.0))
    [installment] = build([Term("i", "invoice", 151, days=10)], Events(invoices=invoices))
    assert installment == Installment("i", "invoice", 151.0, date(2024, 5, 10))


@pytest.mark.parametrize(
    "start,days,due",
    [
        (date(2024, 2, 28), 1, date(2024, 2, 29)),  # leap day
        (date(2023, 2, 28), 1, date(2023, 3, 1)),
        (date(2024, 2, 29), 365, date(2025, 2, 28)),
        (date(2024, 2, 29), 366, date(2025, 3, 1)),
        (date(2024, 12, 31), 1, date(2025, 1, 1)),
        (date(2024, 1, 31), 30, date(2024, 3, 1)),
    ],
)
def test_due_dates_across_month_year_and_leap_days(start, days, due):
    terms = [Term("s", "signing", 1, days=days), Term("d", "delivery", 1, days=days)]
    events = Events(signing=start, deliveries=((start, 1.0),))
    assert [item.due for item in build(terms, events)] == [due, due]


def test_three_deliveries_of_a_third_add_up_to_the_cent():
    events = Events(deliveries=tuple((date(2024, 4, day), THIRD) for day in (1, 2, 3)))
    result = build([Term("m2", "delivery", 100)], events)
    assert [(item.key, item.amount) for item in result] == [
        ("m2/1", 33.33),
        ("m2/2", 33.33),
        ("m2/3", 33.34),
    ]
    assert sum(Decimal(str(item.amount)) for item in result) == Decimal("100")
    assert all(item.due is not None for item in result)  # 0.9999999999999999 delivered is all


def test_two_thirds_delivered_leave_the_rest_not_yet_due():
    events = Events(deliveries=((date(2024, 4, 1), THIRD), (date(2024, 4, 2), THIRD)))
    result = build([Term("m2", "delivery", 100)], events)
    assert result == [
        Installment("m2/1", "delivery", 33.33, date(2024, 4, 1)),
        Installment("m2/2", "delivery", 33.33, date(2024, 4, 2)),
        Installment("m2/3", "delivery", 33.34, None),
    ]


def test_tenths_adding_up_to_0_9999999999999999_are_a_whole_delivery():
    deliveries = tuple((date(2024, 4, day), 0.1) for day in range(1, 11))
    assert sum(fraction for _, fraction in deliveries) != 1
    result = build([Term("d", "delivery", 1000)], Events(deliveries=deliveries))
    assert [item.amount for item in result] == [100.0] * 10


def test_a_tiny_undelivered_rest_still_gets_its_installment():
    result = build([Term("d", "delivery", 1_000_000)], Events(deliveries=((SIGNED, 0.999999),)))
    assert [(item.amount, item.due) for item in result] == [(999_999.0, SIGNED), (1.0, None)]


def test_the_undelivered_rest_keeps_its_key_when_delivered_in_one_go():
    term = [Term("m2", "delivery", 1000)]
    before = build(term, Events(deliveries=((date(2024, 4, 1), 0.4),)))
    after = build(term, Events(deliveries=((date(2024, 4, 1), 0.4), (date(2024, 5, 1), 0.6))))
    assert [(i.key, i.amount) for i in before] == [(i.key, i.amount) for i in after]
    assert [i.due for i in before] == [date(2024, 4, 1), None]
    assert [i.due for i in after] == [date(2024, 4, 1), date(2024, 5, 1)]


def test_keys_follow_the_given_delivery_order_not_the_dates():
    # A delivery entered late with an earlier date must not renumber the ones already there.
    events = Events(deliveries=((date(2024, 5, 1), 0.5), (date(2024, 4, 1), 0.5)))
    result = build([Term("d", "delivery", 10)], events)
    assert [(i.key, i.due) for i in result] == [
        ("d/1", date(2024, 5, 1)),
        ("d/2", date(2024, 4, 1)),
    ]


def test_regenerating_gives_the_same_installments():
    events = Events(signing=SIGNED, deliveries=((SIGNED, 0.3), (SIGNED, 0.3)))
    assert build(USUAL, events) == build(list(USUAL), events)
    assert [i.key for i in build(USUAL, events)] == ["m1", "m2/1", "m2/2", "m2/3", "m3", "m4"]


@pytest.mark.parametrize(
    "amount,fractions,expected",
    [
        (0.01, (0.5, 0.5), [0.01, 0.0]),  # 0.005 rounds half-up, the last takes the rest
        (10.005, (1.0,), [10.01]),  # the term amount itself is rounded half-up first
        (2.675, (1.0,), [2.68]),  # 2.675 is 2.67499999... in binary; read as the decimal 2.675
        (1.0, (0.125,), [0.13, 0.87]),
        (0.02, (0.25, 0.25, 0.25), [0.01, 0.01, 0.0, 0.0]),  # never a negative piece
        (0, (THIRD, THIRD), [0.0, 0.0, 0.0]),
        (0.03, (THIRD,) * 3, [0.01, 0.01, 0.01]),
    ],
)
def test_delivery_pieces_round_half_up_and_the_last_takes_the_rest(amount, fractions, expected):
    events = Events(deliveries=tuple((SIGNED, fraction) for fraction in fractions))
    assert [item.amount for item in build([Term("d", "delivery", amount)], events)] == expected


def test_zero_amount_terms_still_have_their_installment():
    result = build([Term("a", "signing", 0), Term("b", "delivery", 0)], Events(signing=SIGNED))
    assert [(i.key, i.amount, i.due) for i in result] == [("a", 0.0, SIGNED), ("b/1", 0.0, None)]


def test_no_terms_no_installments():
    assert build([], Events(signing=SIGNED)) == []


def test_random_pieces_always_add_up_to_the_term():
    rng = random.Random(18)
    for _ in range(2000):
        amount = round(rng.uniform(0, 1_000_000), rng.choice((0, 1, 2)))
        cuts = sorted(rng.random() for _ in range(rng.randint(0, 6)))
        fractions = [b - a for a, b in zip([0, *cuts], cuts, strict=False) if b - a > 0]
        events = Events(deliveries=tuple((SIGNED, fraction) for fraction in fractions))
        result = build([Term("d", "delivery", amount)], events)
        pieces = [Decimal(str(item.amount)) for item in result]
        assert sum(pieces) == Decimal(str(amount))
        assert all(piece >= 0 and piece == piece.quantize(Decimal("0.01")) for piece in pieces)
        assert [item.key for item in result] == [f"d/{n}" for n in range(1, len(result) + 1)]


def test_events_accept_lists_and_stay_hashable():
    events = Events(deliveries=[[SIGNED, 0.5]], invoices=[(SIGNED, 10)])
    assert events.deliveries == ((SIGNED, 0.5),)
    assert events.invoices == ((SIGNED, 10),)
    assert hash(events) == hash(Events(deliveries=((SIGNED, 0.5),), invoices=((SIGNED, 10),)))


def test_terms_events_and_installments_are_frozen():
    for value, field in (
        (Term("a", "signing", 1), "amount"),
        (Events(), "signing"),
        (Installment("a", "signing", 1, None), "due"),
    ):
        with pytest.raises(AttributeError):
            setattr(value, field, None)


@pytest.mark.parametrize(
    "values",
    [
        {"key": ""},
        {"key": "m1/2"},  # "/" is the delivery separator
        {"key": 12},
        {"key": None},
        {"trigger": "payment"},
        {"trigger": "Signing"},
        {"amount": -0.01},
        {"amount": float("nan")},
        {"amount": float("inf")},
        {"amount": "100"},
        {"amount": None},
        {"amount": True},
        {"days": -1},
        {"days": 1.5},
        {"days": True},
        {"days": None},
    ],
)
def test_malformed_terms_raise(values):
    with pytest.raises(ValueError):
        Term(**{"key": "m1", "trigger": "signing", "amount": 100, **values})


@pytest.mark.parametrize(
    "values",
    [
        {"signing": datetime(2024, 3, 1, 8, 0)},
        {"acceptance": "2024-03-01"},
        {"warranty_end": 20240301},
        {"deliveries": ((SIGNED, 0),)},
        {"deliveries": ((SIGNED, -0.5),)},
        {"deliveries": ((SIGNED, 1.5),)},
        {"deliveries": ((SIGNED, 0.6), (SIGNED, 0.5))},  # more than the whole contract
        {"deliveries": ((None, 0.5),)},
        {"deliveries": ((datetime(2024, 3, 1), 0.5),)},
        {"deliveries": ((SIGNED, "0.5"),)},
        {"deliveries": ((SIGNED, float("nan")),)},
        {"deliveries": ((SIGNED,),)},
        {"deliveries": ((SIGNED, 0.5, 1),)},
        {"deliveries": (SIGNED,)},
        {"deliveries": None},
        {"invoices": ((SIGNED, "100"),)},
        {"invoices": ((None, 100),)},
        {"invoices": (SIGNED, 100)},
    ],
)
def test_malformed_events_raise(values):
    with pytest.raises(ValueError):
        Events(**values)


def test_the_deliveries_may_add_up_to_the_whole_contract():
    assert len(Events(deliveries=((SIGNED, 0.7), (SIGNED, 0.3))).deliveries) == 2


def test_duplicate_term_keys_raise():
    with pytest.raises(ValueError, match="duplicate"):
        build([Term("m1", "signing", 1), Term("m1", "acceptance", 1)], Events())


@pytest.mark.parametrize(
    "values",
    [{"key": ""}, {"amount": -1}, {"amount": "1"}, {"due": "2024-03-01"}, {"due": datetime.now()}],
)
def test_malformed_installments_raise(values):
    with pytest.raises(ValueError):
        Installment(**{"key": "m1", "trigger": "signing", "amount": 1, "due": None, **values})


# merge --------------------------------------------------------------------------------------


def _items(*pairs):
    return [Installment(key, "delivery", amount, None) for key, amount in pairs]


def test_merging_the_same_schedule_changes_nothing():
    items = build(USUAL, Events(signing=SIGNED))
    assert merge(items, items, {"m1": 300_000}) == (items, [])


def test_new_installments_replace_the_old_ones_of_their_key():
    old = build(USUAL, Events())
    new = build(USUAL, Events(signing=SIGNED, acceptance=SIGNED))
    assert merge(old, new, {"m1": 100}) == (new, [])


def test_gone_installments_without_collections_are_voided():
    old = _items(("d/1", 50), ("d/2", 30), ("d/3", 20))
    new = _items(("d/1", 50), ("d/2", 50))
    assert merge(old, new, {"d/1": 50, "d/3": 0}) == (new, ["d/3"])


def test_gone_installments_with_collections_are_kept():
    old = _items(("d/1", 50), ("d/2", 30), ("d/3", 20))
    new = _items(("d/1", 100))
    keep, void = merge(old, new, {"d/2": 0.01})
    # kept for its money, and owing no more than that (the new schedule owes the rest)
    assert keep == [*new, Installment("d/2", "delivery", 0.01, None)]
    assert void == ["d/3"]


def test_half_a_cent_collected_is_no_collection():
    old, new = _items(("a", 1), ("b", 1)), _items(("a", 1))
    assert merge(old, new, {"b": 0.004}) == (new, ["b"])
    kept = Installment("b", old[1].trigger, 0.01, None)
    assert merge(old, new, {"b": 0.005}) == ([*new, kept], [])


def test_a_new_amount_may_equal_what_was_collected():
    old, new = _items(("a", 100)), _items(("a", 40))
    assert merge(old, new, {"a": 40}) == (new, [])
    assert merge(old, new, {"a": 40.004}) == (new, [])  # rounding noise


def test_a_new_amount_below_what_was_collected_raises_with_the_key():
    old, new = _items(("a", 100), ("b", 100)), _items(("a", 100), ("b", 39.99))
    with pytest.raises(ValueError) as error:
        merge(old, new, {"a": 100, "b": 40})
    assert error.value.args == ("below_collected", "b")


def test_a_paid_delivery_returned_keeps_its_collections():
    # The second delivery is returned after being paid: its key now holds the undelivered rest,
    # which still covers what was collected on it.
    term = [Term("d", "delivery", 900)]
    old = build(term, Events(deliveries=((SIGNED, THIRD), (SIGNED, THIRD))))
    new = build(term, Events(deliveries=((SIGNED, THIRD),)))
    keep, void = merge(old, new, {"d/1": 300, "d/2": 300})
    assert [(i.key, i.amount, i.due) for i in keep] == [
        ("d/1", 300.0, SIGNED),
        ("d/2", 600.0, None),
    ]
    assert void == ["d/3"]


def test_empty_schedules_merge():
    assert merge([], [], {}) == ([], [])
    assert merge(_items(("a", 1)), [], {}) == ([], ["a"])
    assert merge([], _items(("a", 1)), {}) == (_items(("a", 1)), [])


@pytest.mark.parametrize(
    "old,new,collected",
    [
        (_items(("a", 1), ("a", 2)), [], {}),
        ([], _items(("a", 1), ("a", 2)), {}),
        (_items(("a", 1)), [], {"b": 1}),  # collections on no installment
        (_items(("a", 1)), [], {"a": -1}),
        (_items(("a", 1)), [], {"a": "1"}),
        (_items(("a", 1)), [], {"a": float("nan")}),
    ],
)
def test_malformed_merges_raise(old, new, collected):
    with pytest.raises(ValueError):
        merge(old, new, collected)


def test_ten_thousand_schedules_build_fast():
    # A smoke bound on pure Python, far above the real cost; not the benchmark.
    start = time.perf_counter()
    for number in range(10_000):
        signed = date(2024, 1, 1) + timedelta(days=number % 366)
        terms = [
            Term("m1", "signing", 30_000 + number),
            Term("m2", "delivery", 50_000.5, days=30),
            Term("m3", "acceptance", 10_000, days=30),
            Term("m4", "warranty_end", 10_000),
        ]
        deliveries = tuple((signed + timedelta(days=10 * n), THIRD) for n in (1, 2, 3))
        result = build(terms, Events(signing=signed, deliveries=deliveries))
        assert len(result) == 6
    assert time.perf_counter() - start < 2


@pytest.mark.parametrize(
    "values,total,expected",
    [
        ([50, 30], 100, [0.5, 0.3]),
        ([60, 60], 100, [0.6, 0.4]),  # capped at the whole
        ([100, 10], 100, [1.0, 0.0]),  # nothing left for the second
        ([-10, 40], 100, [0.0, 0.4]),  # a negative value counts as nothing
        ([10, 20], 0, [0.0, 0.0]),  # no total, no share
        ([], 100, []),
        ([1, 1, 1], 3, [1 / 3, 1 / 3, 1 / 3]),
    ],
)
def test_delivery_shares(values, total, expected):
    assert schedule.delivery_shares(values, total) == pytest.approx(expected)


def test_delivery_shares_feed_events():
    shares = schedule.delivery_shares([70, 70], 100)
    events = Events(deliveries=[(SIGNED, shares[0]), (SIGNED, shares[1])])
    assert sum(fraction for _, fraction in events.deliveries) == pytest.approx(1.0)


@pytest.mark.parametrize("values,total", [([float("nan")], 100), ([1], float("inf")), (["1"], 9)])
def test_delivery_shares_refuse_bad_input(values, total):
    with pytest.raises(ValueError):
        schedule.delivery_shares(values, total)


# other currencies' rounding steps -------------------------------------------------------------


def test_three_deliveries_of_a_third_in_whole_yen():
    events = Events(deliveries=tuple((date(2024, 4, day), THIRD) for day in (1, 2, 3)))
    result = build([Term("m2", "delivery", 100_000)], events, rounding=1.0)
    assert [item.amount for item in result] == [33_333.0, 33_333.0, 33_334.0]
    assert sum(Decimal(str(item.amount)) for item in result) == Decimal("100000")


def test_random_pieces_in_whole_yen_add_up_to_the_term():
    rng = random.Random(7)
    for _ in range(500):
        amount = rng.randint(1, 10_000_000)
        fractions = [rng.uniform(0.01, 0.3) for _ in range(rng.randint(1, 3))]
        deliveries = tuple((SIGNED, fraction) for fraction in fractions)
        result = build([Term("d", "delivery", amount)], Events(deliveries=deliveries), 1.0)
        assert all(item.amount == int(item.amount) for item in result)
        assert sum(Decimal(str(item.amount)) for item in result) == amount


def test_single_terms_round_to_the_currency_step():
    terms = [Term("a", "signing", 1234.5), Term("b", "acceptance", 0.0015)]
    assert [i.amount for i in build(terms, Events(), rounding=1.0)] == [1235.0, 0.0]
    assert [i.amount for i in build(terms, Events(), rounding=0.001)] == [1234.5, 0.002]
    assert [i.amount for i in build(terms, Events())] == [1234.5, 0.0]


def test_a_delivery_in_fils_adds_up_to_the_term():
    events = Events(deliveries=((SIGNED, THIRD), (SIGNED, THIRD)))
    result = build([Term("d", "delivery", 10)], events, rounding=0.001)
    assert [item.amount for item in result] == [3.333, 3.333, 3.334]


def test_merge_compares_collections_in_the_currency_steps():
    old, new = _items(("a", 100), ("b", 1)), _items(("a", 40))
    # 40.4 yen collected is 40 yen: the new amount covers it
    assert merge(old, new, {"a": 40.4}, rounding=1.0) == (new, ["b"])
    with pytest.raises(ValueError) as error:
        merge(old, new, {"a": 40.4})
    assert error.value.args == ("below_collected", "a")
    # 0.4 yen collected on a gone installment is no collection; 0.5 is a yen
    assert merge(old, new, {"b": 0.4}, rounding=1.0) == (new, ["b"])
    kept = Installment("b", "delivery", 1.0, None)
    assert merge(old, new, {"b": 0.5}, rounding=1.0) == ([*new, kept], [])


@pytest.mark.parametrize("rounding", [0, -1, float("nan"), float("inf"), "1", None, True])
def test_malformed_rounding_raises(rounding):
    with pytest.raises(ValueError, match="rounding must"):
        build(USUAL, Events(), rounding=rounding)
    with pytest.raises(ValueError, match="rounding must"):
        merge([], [], {}, rounding=rounding)
