import itertools

import pytest

from odoo.addons.wsv_crm_customer.lib import health

RISKS = ("low", "medium", "high", None)


def test_weights_add_up_to_100():
    assert sum(health.WEIGHTS.values()) == 100


@pytest.mark.parametrize(
    "relationship,reach,payment,willingness,risk,expected",
    [
        (5, 5, 5, 5, "low", 100),
        (0, 0, 0, 0, "high", 0),
        (0, 0, 0, 0, "medium", 9),  # 15 % of 60
        (0, 0, 0, 0, "low", 15),
        (5, 0, 0, 0, "high", 25),
        (0, 5, 0, 0, "high", 20),
        (0, 0, 5, 0, "high", 25),
        (0, 0, 0, 5, "high", 15),
        (1, 1, 1, 1, "high", 17),  # 85 % of 20
        (3, 3, 3, 3, "medium", 60),
        (4, 3, 4, 2, "medium", 67),  # 20 + 12 + 20 + 6 + 9
        (5, 5, 5, 5, "high", 85),
        (5, 5, 5, 5, None, 93),  # 85 + 7.5
    ],
)
def test_score(relationship, reach, payment, willingness, risk, expected):
    assert health.score(relationship, reach, payment, willingness, risk) == expected


@pytest.mark.parametrize(
    "ratings,expected",
    [
        ((0, 0, 0, 0), 8),  # 7.5: round() would give 8 too
        ((0, 0, 0, 1), 11),  # 10.5: round() would give 10
        ((0, 1, 0, 0), 12),  # 11.5
        ((1, 0, 0, 1), 16),  # 15.5
        ((2, 0, 0, 1), 21),  # 20.5: round() would give 20
        ((5, 5, 5, 4), 90),  # 89.5
    ],
)
def test_halves_round_up(ratings, expected):
    # Only an unknown risk (2.5 of 5, 7.5 points) makes halves.
    assert health.score(*ratings, None) == expected


def test_every_combination_is_an_integer_from_0_to_100_and_monotonic():
    ratings = range(6)
    for combination in itertools.product(ratings, ratings, ratings, ratings, RISKS):
        value = health.score(*combination)
        assert isinstance(value, int) and 0 <= value <= 100
        for i in range(4):
            if combination[i] < 5:
                better = list(combination)
                better[i] += 1
                assert health.score(*better) >= value


def test_risk_ranks_low_medium_unknown_high():
    scores = [health.score(3, 3, 3, 3, risk) for risk in ("low", "medium", None, "high")]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == 4


@pytest.mark.parametrize(
    "position,name", [(0, "relationship"), (1, "reach"), (2, "payment"), (3, "willingness")]
)
@pytest.mark.parametrize("bad", [-1, 6, 10, None, "3", 2.5, 3.0, True, False])
def test_bad_ratings_name_their_dimension(position, name, bad):
    ratings = [3, 3, 3, 3]
    ratings[position] = bad
    with pytest.raises(ValueError, match=f"^{name} must be an integer from 0 to 5"):
        health.score(*ratings, "low")


@pytest.mark.parametrize("bad", ["Low", "LOW", "", "none", 0, 2.5, False, "critical"])
def test_bad_risk_is_named(bad):
    with pytest.raises(ValueError, match="^risk must be"):
        health.score(3, 3, 3, 3, bad)


@pytest.mark.parametrize(
    "value,badge",
    [
        (100, "good"),
        (70, "good"),
        (69, "watch"),
        (40, "watch"),
        (39, "poor"),
        (0, "poor"),
    ],
)
def test_badge(value, badge):
    assert health.badge(value) == badge


@pytest.mark.parametrize("bad", [-1, 101, 1000])
def test_badge_of_an_impossible_score(bad):
    with pytest.raises(ValueError, match="health score"):
        health.badge(bad)


@pytest.mark.parametrize(
    "contacts,reach",
    [
        ([], 0),
        ([(None, None)], 1),
        ([(None, "high")], 1),  # influence without a role
        ([("user", None)], 2),
        ([("finance", "high")], 2),  # finance is not a technical or procurement gate
        ([("user", "high")], 2),
        ([("technical", "medium")], 2),
        ([("procurement", "low")], 2),
        ([("technical", "high")], 3),
        ([("procurement", "high")], 3),
        ([("decision_maker", None)], 4),
        ([("decision_maker", "low")], 4),
        ([("decision_maker", "medium")], 4),
        ([("decision_maker", "high")], 5),
        ([(None, None), ("user", "low"), ("technical", "high")], 3),
        ([("decision_maker", "high"), ("user", None)], 5),  # the best contact counts
        ([("user", None), ("decision_maker", "low"), ("procurement", "high")], 4),
    ],
)
def test_reach_from_contacts(contacts, reach):
    assert health.reach_from_contacts(contacts) == reach


def test_reach_from_any_iterable():
    assert health.reach_from_contacts(iter([("decision_maker", "high")])) == 5
    assert health.reach_from_contacts(contact for contact in []) == 0


@pytest.mark.parametrize(
    "contact,message",
    [
        (("boss", None), "role"),
        (("Decision_Maker", "high"), "role"),
        (("", None), "role"),
        (("user", "very high"), "influence"),
        (("user", "HIGH"), "influence"),
        (("user", ""), "influence"),
    ],
)
def test_unknown_roles_and_influences(contact, message):
    with pytest.raises(ValueError, match=message):
        health.reach_from_contacts([contact])


def test_a_bad_contact_after_a_perfect_one_is_still_caught():
    with pytest.raises(ValueError, match="role"):
        health.reach_from_contacts([("decision_maker", "high"), ("boss", "high")])
