from datetime import date

import pytest

from odoo.addons.wsv_fulfillment.lib import targets


@pytest.mark.parametrize(
    "year,month,expected",
    [
        (2026, None, (date(2026, 1, 1), date(2026, 12, 31))),
        (2026, 2, (date(2026, 2, 1), date(2026, 2, 28))),
        (2024, 2, (date(2024, 2, 1), date(2024, 2, 29))),
        (2026, 12, (date(2026, 12, 1), date(2026, 12, 31))),
    ],
)
def test_period(year, month, expected):
    assert targets.period(year, month) == expected


@pytest.mark.parametrize(
    "year,month", [(2026, 0), (2026, 13), (2026, True), (True, None), (1800, None), ("2026", 1)]
)
def test_period_refuses_bad_input(year, month):
    with pytest.raises(ValueError):
        targets.period(year, month)


@pytest.mark.parametrize(
    "actual,target,expected",
    [
        (50, 100, 50.0),
        (0, 100, 0.0),
        (150, 100, 150.0),
        (1, 3, 33.33),
        (2, 3, 66.67),
        (100, 0, None),
        (100, -5, None),
    ],
)
def test_attainment(actual, target, expected):
    assert targets.attainment(actual, target) == expected


@pytest.mark.parametrize(
    "actual,target", [(float("nan"), 1), (1, float("inf")), (True, 1), (1, None), ("1", 1)]
)
def test_attainment_refuses_bad_input(actual, target):
    with pytest.raises(ValueError):
        targets.attainment(actual, target)


def test_ranking_highest_first_ties_share_and_skip():
    ranks = targets.ranking({"a": 50.0, "b": 120.0, "c": 50.0, "d": 10.0})
    assert ranks == {"b": 1, "a": 2, "c": 2, "d": 4}


def test_ranking_puts_missing_targets_last():
    ranks = targets.ranking({"a": None, "b": 0.0, "c": None, "d": 3.0})
    assert ranks == {"d": 1, "b": 2, "a": 3, "c": 3}


def test_ranking_of_nobody():
    assert targets.ranking({}) == {}
