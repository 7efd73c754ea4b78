from odoo.addons.wsv_crm_customer.lib.pool import (
    HoldingLimit,
    applicable_limits,
    broken_limits,
    counts_for,
)

GENERAL = HoldingLimit(max_customers=3)
GENERAL_A = HoldingLimit(max_customers=1, grade="A")
MINE_A = HoldingLimit(max_customers=2, grade="A", user_id=7)
OTHERS = HoldingLimit(max_customers=0, user_id=8)


def test_user_limit_replaces_general_for_same_grade():
    assert applicable_limits([GENERAL, GENERAL_A, MINE_A, OTHERS], 7) == [GENERAL, MINE_A]
    assert applicable_limits([GENERAL, GENERAL_A, MINE_A, OTHERS], 9) == [GENERAL, GENERAL_A]
    assert applicable_limits([MINE_A, GENERAL_A], 7) == [MINE_A]  # order does not matter
    assert applicable_limits([], 7) == []


def test_counts_by_grade_and_won():
    customers = [("A", False), ("A", True), ("B", True), (None, False)]
    assert counts_for(GENERAL, customers) == 4
    assert counts_for(GENERAL_A, customers) == 2
    assert counts_for(HoldingLimit(5, include_won=False), customers) == 2
    assert counts_for(HoldingLimit(5, grade="A", include_won=False), customers) == 1


def test_within_and_over_the_limit():
    held = [("A", False), ("B", False)]
    assert broken_limits([GENERAL], 7, held, [("C", False)]) == []
    assert broken_limits([GENERAL], 7, held, [("C", False), ("C", False)]) == [(GENERAL, 4)]


def test_grade_limit_only_counts_its_grade():
    held = [("A", False)]
    assert broken_limits([GENERAL_A], 9, held, [("B", False)]) == []
    assert broken_limits([GENERAL_A], 9, held, [("A", False)]) == [(GENERAL_A, 2)]
    # the user's own limit for grade A is higher
    assert broken_limits([GENERAL_A, MINE_A], 7, held, [("A", False)]) == []


def test_won_customers_excluded_when_the_limit_says_so():
    limit = HoldingLimit(max_customers=1, include_won=False)
    held = [("A", True), ("B", True)]
    assert broken_limits([limit], 7, held, [("C", False)]) == []
    assert broken_limits([limit], 7, held + [("D", False)], [("C", False)]) == [(limit, 2)]


def test_a_claim_adding_nothing_to_a_full_limit_passes():
    # already over a grade-A limit (limits lowered later), claiming a B customer is fine
    held = [("A", False), ("A", False)]
    assert broken_limits([GENERAL_A], 9, held, [("B", False)]) == []


def test_zero_limit_blocks_every_claim():
    assert broken_limits([OTHERS], 8, [], [("A", False)]) == [(OTHERS, 1)]
