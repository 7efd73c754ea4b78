import dataclasses

import pytest

from odoo.addons.wsv_crm_customer.lib import grading
from odoo.addons.wsv_crm_customer.lib.grading import GradeRule, Metrics, grade_for

# A typical configuration, given out of order on purpose.
RULES = [
    GradeRule("C", min_contract_amount=100_000),
    GradeRule("A", min_contract_amount=5_000_000, min_collected_amount=3_000_000),
    GradeRule("B", min_contract_amount=1_000_000, min_open_opportunities=2),
]


@pytest.mark.parametrize(
    "metrics,grade",
    [
        (Metrics(contract_amount=6_000_000, collected_amount=4_000_000), "A"),
        (Metrics(contract_amount=5_000_000, collected_amount=3_000_000), "A"),  # exactly at
        (Metrics(contract_amount=6_000_000, collected_amount=2_999_999.99), "C"),  # one short
        (Metrics(6_000_000, 2_999_999.99, open_opportunities=2), "B"),
        (Metrics(contract_amount=1_000_000, open_opportunities=2), "B"),
        (Metrics(contract_amount=1_000_000, open_opportunities=1), "C"),
        (Metrics(contract_amount=999_999.99, open_opportunities=9), "C"),
        (Metrics(contract_amount=100_000), "C"),
        (Metrics(contract_amount=99_999.99), "D"),
        (Metrics(), "D"),
    ],
)
def test_the_best_rule_met_gives_the_grade(metrics, grade):
    assert grade_for(metrics, RULES) == grade


def test_every_threshold_counts():
    rule = GradeRule(
        "A",
        min_contract_amount=1,
        min_collected_amount=1,
        min_open_opportunities=1,
        min_employees=1,
    )
    met = Metrics(contract_amount=1, collected_amount=1, open_opportunities=1, employees=1)
    assert grade_for(met, [rule]) == "A"
    for field in dataclasses.fields(Metrics):
        short = dataclasses.replace(met, **{field.name: 0})
        assert grade_for(short, [rule]) == "D", field.name


def test_a_rule_of_zeros_always_matches():
    assert grade_for(Metrics(), [GradeRule("B")]) == "B"
    assert grade_for(Metrics(), [GradeRule("D"), GradeRule("C")]) == "C"


def test_negative_metrics_miss_a_zero_threshold():
    # Credit notes can make a period's amount negative: that is below the minimum of 0.
    assert grade_for(Metrics(contract_amount=-1), [GradeRule("B")]) == "D"


def test_rules_are_tried_best_grade_first_whatever_their_order():
    rules = [GradeRule("D"), GradeRule("B", min_employees=10), GradeRule("A", min_employees=100)]
    assert grade_for(Metrics(employees=100), rules) == "A"
    assert grade_for(Metrics(employees=50), rules) == "B"
    assert grade_for(Metrics(employees=50), list(reversed(rules))) == "B"
    assert grade_for(Metrics(employees=5), rules) == "D"


def test_several_rules_for_one_grade_are_alternatives():
    rules = [GradeRule("A", min_contract_amount=1_000_000), GradeRule("A", min_employees=1000)]
    assert grade_for(Metrics(employees=1000), rules) == "A"
    assert grade_for(Metrics(contract_amount=1_000_000), rules) == "A"
    assert grade_for(Metrics(employees=999), rules) == "D"


def test_default_when_no_rule_matches():
    assert grade_for(Metrics(), []) == "D"
    assert grade_for(Metrics(), [], default="C") == "C"
    assert grade_for(Metrics(), [GradeRule("A", min_employees=1)], default="B") == "B"


def test_rules_may_be_any_iterable():
    assert grade_for(Metrics(), (rule for rule in [GradeRule("B")])) == "B"


@pytest.mark.parametrize("grade", ["E", "a", "", " A", "AA", None, 1])
def test_a_rule_needs_a_grade_a_to_d(grade):
    with pytest.raises(ValueError, match="grade must be one of A, B, C, D"):
        GradeRule(grade)


@pytest.mark.parametrize("default", ["E", "d", "", None])
def test_the_default_needs_a_grade_a_to_d(default):
    with pytest.raises(ValueError, match="grade must be one of A, B, C, D"):
        grade_for(Metrics(), [GradeRule("A")], default=default)


def test_all_four_grades_are_accepted():
    assert grading.GRADES == ("A", "B", "C", "D")
    for grade in grading.GRADES:
        assert grade_for(Metrics(), [GradeRule(grade)], default=grade) == grade


def test_rules_and_metrics_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        GradeRule("A").grade = "B"
    with pytest.raises(dataclasses.FrozenInstanceError):
        Metrics().employees = 1


def test_defaults_are_zero():
    assert GradeRule("C") == GradeRule("C", 0.0, 0.0, 0, 0)
    assert Metrics() == Metrics(0.0, 0.0, 0, 0)
