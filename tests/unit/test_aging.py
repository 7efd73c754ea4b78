from datetime import date, datetime, timedelta

import pytest

from odoo.addons.wsv_fulfillment.lib import aging
from odoo.addons.wsv_fulfillment.lib.aging import bucket, escalate, reminders, status

DUE = date(2024, 3, 15)
YESTERDAY, TODAY, TOMORROW = DUE - timedelta(days=1), DUE, DUE + timedelta(days=1)


@pytest.mark.parametrize(
    "amount,collected,due,today,void,expected",
    [
        # void wins over everything
        (100, 0, DUE, TOMORROW, True, "void"),
        (100, 100, DUE, TOMORROW, True, "void"),
        (100, 50, None, YESTERDAY, True, "void"),
        # collected wins over every date
        (100, 100, DUE, YESTERDAY, False, "collected"),
        (100, 100, DUE, TOMORROW + timedelta(days=400), False, "collected"),
        (100, 100, None, TODAY, False, "collected"),
        (100, 99.995, DUE, TOMORROW, False, "collected"),  # half a cent short is rounding
        (100, 120, DUE, TOMORROW, False, "collected"),  # overpaid
        (0, 0, DUE, TOMORROW, False, "collected"),  # nothing to collect
        (0, 0, None, TODAY, False, "collected"),
        # before the due day
        (100, 0, DUE, YESTERDAY, False, "not_due"),
        (100, 0, None, TODAY, False, "not_due"),
        (100, 0, None, date(2099, 1, 1), False, "not_due"),  # no trigger, never overdue
        (100, 40, DUE, YESTERDAY, False, "partly_collected"),
        (100, 40, None, TODAY, False, "partly_collected"),
        (100, 0.004, DUE, YESTERDAY, False, "not_due"),  # less than a cent is nothing
        (100, 0.005, DUE, YESTERDAY, False, "partly_collected"),
        # the due day itself
        (100, 0, DUE, TODAY, False, "due"),
        (100, 40, DUE, TODAY, False, "partly_collected"),
        (100, 99.99, DUE, TODAY, False, "partly_collected"),
        # from the day after: overdue, partly collected or not
        (100, 0, DUE, TOMORROW, False, "overdue"),
        (100, 40, DUE, TOMORROW, False, "overdue"),
        (100, 99.99, DUE, TOMORROW, False, "overdue"),  # a cent open is overdue
        (0.01, 0, DUE, TOMORROW, False, "overdue"),
    ],
)
def test_status(amount, collected, due, today, void, expected):
    assert status(amount, collected, due, today, void=void) == expected
    assert expected in aging.STATUSES


@pytest.mark.parametrize(
    "due,today,expected",
    [
        (date(2024, 2, 29), date(2024, 3, 1), "overdue"),  # due on a leap day
        (date(2024, 2, 29), date(2024, 2, 29), "due"),
        (date(2024, 2, 28), date(2024, 2, 29), "overdue"),
        (date(2024, 12, 31), date(2025, 1, 1), "overdue"),
        (date(2025, 1, 1), date(2024, 12, 31), "not_due"),
    ],
)
def test_status_across_leap_days_and_years(due, today, expected):
    assert status(10, 0, due, today) == expected


def test_void_defaults_to_false():
    assert status(100, 0, DUE, TOMORROW) == "overdue"


def test_buckets_cover_every_overdue_day_once():
    assert aging.LABELS == ("1-30", "31-90", "91-180", "180+")
    assert aging.BUCKETS[0][0] == 1 and aging.BUCKETS[-1][1] is None
    for (_, high), (low, _) in zip(aging.BUCKETS, aging.BUCKETS[1:], strict=False):
        assert low == high + 1


@pytest.mark.parametrize(
    "days_overdue,expected",
    [
        (-30, None),
        (-1, None),
        (0, None),  # due today is not overdue
        (1, "1-30"),
        (30, "1-30"),
        (31, "31-90"),
        (90, "31-90"),
        (91, "91-180"),
        (180, "91-180"),
        (181, "180+"),
        (3650, "180+"),
    ],
)
def test_bucket(days_overdue, expected):
    assert bucket(DUE, DUE + timedelta(days=days_overdue)) == expected


@pytest.mark.parametrize(
    "due,today,expected",
    [
        (date(2024, 1, 30), date(2024, 2, 29), "1-30"),  # 30 days, leap February
        (date(2024, 1, 30), date(2024, 3, 1), "31-90"),  # 31 days
        (date(2023, 1, 30), date(2023, 3, 1), "1-30"),  # 30 days, common February
        (date(2023, 12, 31), date(2024, 6, 28), "91-180"),  # 180 days over the leap day
        (date(2023, 12, 31), date(2024, 6, 29), "180+"),
    ],
)
def test_bucket_counts_calendar_days(due, today, expected):
    assert bucket(due, today) == expected


def test_no_due_date_no_bucket():
    assert bucket(None, TODAY) is None


@pytest.mark.parametrize(
    "days_before,before_days,expected",
    [
        (7, 7, True),
        (8, 7, False),
        (6, 7, False),
        (0, 0, True),  # 0 = remind on the due day
        (1, 0, False),
        (-1, 0, False),  # never after the due day
        (-7, 7, False),
    ],
)
def test_reminders(days_before, before_days, expected):
    assert reminders(DUE, DUE - timedelta(days=days_before), before_days) is expected


def test_reminders_across_a_leap_day():
    assert reminders(date(2024, 3, 1), date(2024, 2, 29), 1)
    assert reminders(date(2024, 3, 1), date(2024, 2, 28), 2)
    assert reminders(date(2023, 3, 1), date(2023, 2, 28), 1)


def test_no_due_date_no_reminder_and_no_escalation():
    assert reminders(None, TODAY, 0) is False
    assert escalate(None, TODAY, 0) is False


@pytest.mark.parametrize(
    "days_overdue,after_days,expected",
    [
        (0, 0, False),  # due today is not overdue yet
        (1, 0, True),
        (1, 1, True),
        (0, 1, False),
        (29, 30, False),
        (30, 30, True),
        (31, 30, True),
        (400, 30, True),
        (-5, 0, False),
    ],
)
def test_escalate(days_overdue, after_days, expected):
    assert escalate(DUE, DUE + timedelta(days=days_overdue), after_days) is expected


def test_escalate_across_a_leap_day():
    assert escalate(date(2024, 2, 1), date(2024, 3, 1), 29)
    assert not escalate(date(2024, 2, 1), date(2024, 3, 1), 30)


@pytest.mark.parametrize(
    "args",
    [
        (-1, 0, DUE, TODAY),
        (100, -1, DUE, TODAY),
        (float("nan"), 0, DUE, TODAY),
        (float("inf"), 0, DUE, TODAY),
        ("100", 0, DUE, TODAY),
        (None, 0, DUE, TODAY),
        (True, 0, DUE, TODAY),
        (100, None, DUE, TODAY),
        (100, 0, "2024-03-15", TODAY),
        (100, 0, datetime(2024, 3, 15), TODAY),
        (100, 0, DUE, None),
        (100, 0, DUE, datetime(2024, 3, 15, 9, 30)),
    ],
)
def test_malformed_status_raises(args):
    with pytest.raises(ValueError):
        status(*args)


@pytest.mark.parametrize(
    "call",
    [
        lambda: bucket(DUE, None),
        lambda: bucket("2024-03-15", TODAY),
        lambda: bucket(datetime(2024, 3, 15), TODAY),
        lambda: reminders(DUE, TODAY, -1),
        lambda: reminders(DUE, TODAY, 1.0),
        lambda: reminders(DUE, TODAY, True),
        lambda: reminders(DUE, None, 1),
        lambda: reminders(None, None, 1),
        lambda: escalate(DUE, TODAY, -1),
        lambda: escalate(DUE, TODAY, None),
        lambda: escalate(DUE, "2024-03-16", 1),
    ],
)
def test_malformed_dates_and_days_raise(call):
    with pytest.raises(ValueError):
        call()


# other currencies' rounding steps -------------------------------------------------------------


@pytest.mark.parametrize(
    "amount,collected,rounding,expected",
    [
        # 0.4 yen open is rounding noise in JPY, 40 cents open in CNY
        (1000, 999.6, 1.0, "collected"),
        (1000, 999.6, 0.01, "overdue"),
        (1000, 999.4, 1.0, "overdue"),  # 0.6 rounds to a whole yen still open
        # KWD: half a fils is noise, a fils is money
        (10, 9.9995, 0.001, "collected"),
        (10, 9.999, 0.001, "overdue"),
    ],
)
def test_status_with_the_currency_rounding(amount, collected, rounding, expected):
    assert status(amount, collected, DUE, TOMORROW, rounding=rounding) == expected


def test_partly_collected_needs_half_a_step():
    assert status(1000, 0.4, DUE, YESTERDAY, rounding=1.0) == "not_due"
    assert status(1000, 0.5, DUE, YESTERDAY, rounding=1.0) == "partly_collected"
    assert status(1000, 0.4, DUE, YESTERDAY) == "partly_collected"
    assert status(1, 0.0004, DUE, YESTERDAY, rounding=0.001) == "not_due"


@pytest.mark.parametrize("rounding", [0, -1, float("nan"), float("inf"), "1", None, True])
def test_malformed_rounding_raises(rounding):
    with pytest.raises(ValueError, match="rounding must"):
        status(100, 0, DUE, TODAY, rounding=rounding)
