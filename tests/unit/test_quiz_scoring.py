"""Scoring a knowledge quiz: single and multiple answers, points, tallies, averages."""

from __future__ import annotations

import pytest

from storage.quiz_scoring import (
    Key,
    Score,
    Tally,
    average,
    better,
    decode_choice,
    encode_choice,
    format_number,
    is_correct,
    letters,
    percent,
    points_for,
    score_sheet,
    tally,
)

SINGLE = Key(answer=frozenset({1}), points=1)  # B
MULTI = Key(answer=frozenset({0, 2, 3}), points=3)  # ACD


@pytest.mark.parametrize(
    ("chosen", "right"),
    [({1}, True), ({0}, False), ({1, 2}, False), (set(), False)],
)
def test_a_single_answer_is_right_only_when_exactly_the_right_option(
    chosen: set[int], right: bool
) -> None:
    assert is_correct(chosen, SINGLE.answer) is right
    assert points_for(chosen, SINGLE.answer, SINGLE.points) == (1 if right else 0)


@pytest.mark.parametrize(
    ("chosen", "right"),
    [
        ({0, 2, 3}, True),
        ({3, 0, 2}, True),  # order does not matter
        ({0, 2}, False),  # one missing: 少选不得分
        ({0, 1, 2, 3}, False),  # one too many: 错选不得分
        ({1}, False),
        (set(), False),
    ],
)
def test_a_multiple_answer_earns_all_its_points_or_none(chosen: set[int], right: bool) -> None:
    assert is_correct(chosen, MULTI.answer) is right
    assert points_for(chosen, MULTI.answer, MULTI.points) == (3 if right else 0)


def test_a_sheet_adds_up_points_and_counts_right_answers() -> None:
    keys = {10: SINGLE, 11: MULTI, 12: Key(frozenset({0}), 2)}
    assert score_sheet({10: {1}, 11: {0, 2, 3}, 12: {1}}, keys) == Score(4, 2, 3)
    assert score_sheet({10: {0}}, keys) == Score(0, 0, 1)
    assert score_sheet({}, keys) == Score(0, 0, 0)
    # An answer to a question that is not in the quiz is not counted at all.
    assert score_sheet({99: {0}}, keys) == Score(0, 0, 0)


def test_the_better_sheet_has_more_points_then_more_answers() -> None:
    assert better(Score(3, 1, 2), Score(2, 2, 3))
    assert better(Score(2, 1, 3), Score(2, 1, 2))
    assert not better(Score(2, 1, 2), Score(2, 1, 2))  # a tie keeps the earlier sheet


def test_choices_are_stored_sorted_and_read_back() -> None:
    assert encode_choice([3, 0, 2, 0]) == "0,2,3"
    assert decode_choice("0,2,3") == frozenset({0, 2, 3})
    assert decode_choice("") == frozenset()
    assert letters({3, 0}) == "AD" and letters([9]) == "J" and letters(frozenset()) == ""


def test_tallies_count_accuracy_and_the_most_common_wrong_answer() -> None:
    keys = {1: SINGLE, 2: MULTI}
    sheets = [
        {1: frozenset({1}), 2: frozenset({0, 2})},
        {1: frozenset({0}), 2: frozenset({0, 2})},
        {1: frozenset({2}), 2: frozenset({0, 2, 3})},
        {1: frozenset({0})},
    ]
    result = tally(sheets, keys)
    assert (result[1].answered, result[1].correct, result[1].accuracy) == (4, 1, 25.0)
    assert result[1].most_common_wrong() == ("A", 2)
    assert (result[2].answered, result[2].correct) == (3, 1)
    assert result[2].most_common_wrong() == ("AC", 2)
    assert Tally().most_common_wrong() is None and Tally().accuracy is None


def test_a_tie_between_wrong_answers_names_the_earlier_letter() -> None:
    counted = Tally()
    for chosen in ({3}, {2}, {1}):
        counted.add(frozenset(chosen), SINGLE)
    assert counted.most_common_wrong() == ("C", 1)


def test_numbers_for_people() -> None:
    assert average([4, 1, 0]) == pytest.approx(5 / 3)
    assert average([]) is None
    assert (
        format_number(5 / 3) == "1.7" and format_number(2.0) == "2" and format_number(7.96) == "8"
    )
    assert percent(1, 3) == 33.3 and percent(0, 0) is None
