"""The callback data codec: every kind of button round-trips within Telegram's 64 bytes, and
anything a real button could not carry is refused without an exception."""

from __future__ import annotations

import dataclasses
import typing
from typing import Annotated, Any, Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.callbacks import (
    MAX_BYTES,
    MAX_ID,
    Bounded,
    CallbackData,
    ClaimVerdict,
    GreetingSwitch,
    Id,
    OneOf,
    QuizConfirm,
    QuizTap,
    ReflectCancel,
    ReportSession,
    parse_any,
)

KINDS = sorted(CallbackData.kinds.values(), key=lambda k: k.prefix)


def field_strategy(hint: Any) -> st.SearchStrategy[Any]:
    """Every value a field may carry, from its declaration."""
    if hint is bool:
        return st.booleans()
    if typing.get_origin(hint) is Literal:
        return st.sampled_from(typing.get_args(hint))
    for extra in typing.get_args(hint)[1:]:
        if isinstance(extra, Bounded):
            return st.integers(extra.low, extra.high)
        if isinstance(extra, OneOf):
            return st.sampled_from(sorted(extra.words))
    raise AssertionError(hint)


def hints(kind: type[CallbackData]) -> dict[str, Any]:
    found = typing.get_type_hints(kind, include_extras=True)
    return {f.name: found[f.name] for f in dataclasses.fields(kind)}  # type: ignore[arg-type]


def values_of(kind: type[CallbackData]) -> st.SearchStrategy[CallbackData]:
    return st.builds(kind, **{name: field_strategy(h) for name, h in hints(kind).items()})


every_value = st.sampled_from(KINDS).flatmap(values_of)


def extreme(kind: type[CallbackData], pick: int) -> CallbackData:
    """The value of this kind with each field at its lowest (0) or highest (-1) choice."""
    chosen: dict[str, object] = {}
    for name, hint in hints(kind).items():
        if hint is bool:
            chosen[name] = bool(pick)
        elif typing.get_origin(hint) is Literal:
            chosen[name] = max(typing.get_args(hint), key=len)
        else:
            extra = typing.get_args(hint)[1]
            if isinstance(extra, Bounded):
                chosen[name] = extra.high if pick else extra.low
            else:
                chosen[name] = max(sorted(extra.words), key=len)
    return kind(**chosen)


def test_every_kind_is_declared_with_its_own_prefix() -> None:
    assert len({k.prefix for k in KINDS}) == len(KINDS) >= 20
    assert ReflectCancel.prefix in CallbackData.kinds


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_the_longest_value_of_every_kind_fits_in_64_bytes(kind: type[CallbackData]) -> None:
    for pick in (0, -1):
        value = extreme(kind, pick)
        data = value.build()
        assert len(data.encode()) <= MAX_BYTES
        assert kind.parse(data) == value


@given(every_value)
def test_every_value_round_trips(value: CallbackData) -> None:
    data = value.build()
    assert len(data.encode()) <= MAX_BYTES and data.isascii()
    assert type(value).parse(data) == value
    assert parse_any(data) == value
    assert type(value).matches(data)


@given(st.one_of(st.text(max_size=80), st.binary(max_size=20), st.integers(), st.none()))
def test_anything_else_never_raises_and_what_parses_is_canonical(data: Any) -> None:
    for kind in KINDS:
        value = kind.parse(data)
        assert value is None or value.build() == data
    found = parse_any(data)
    assert found is None or found.build() == data


@given(every_value, st.data())
def test_a_changed_character_is_refused_or_reads_as_exactly_what_it_says(
    value: CallbackData, data: st.DataObject
) -> None:
    original = value.build()
    at = data.draw(st.integers(0, len(original) - 1))
    char = data.draw(st.sampled_from([":", "0", "9", "-", "a", "²", "１", " ", "", "::"]))
    changed = original[:at] + char + original[at + 1 :]
    found = parse_any(changed)
    assert found is None or found.build() == changed


@pytest.mark.parametrize(
    "data",
    [
        "rs:abc",
        "rs:²",  # "\d" matches it, int() refuses it
        "rs:١٢",  # Arabic-Indic digits
        "rs:１２",  # full-width digits
        "rs:" + "9" * 30,
        f"rs:{2**53}",  # beyond what every client keeps exactly
        f"rs:{MAX_ID + 1}",
        "rs:0",  # ids start at 1
        "rs:-5",
        "rs:007",
        "rs:+7",
        "rs: 7",
        "rs:7 ",
        "rs:7.0",
        "rs:1e3",
        "rs:",
        "rs",  # a field missing
        "rs:7:8",  # a field too many
        "rs:7:",
        "rs::7",
        "RS:7",
        " rs:7",
        "rs:7\n",
        "qa:a:1:0",  # the option missing
        "qa:c:1:0:1",  # confirm is its own kind
        "qa:a:1:0:10",  # only ten options (A-J)
        "qa:a:1:500:0",  # at most 500 questions
        "qa:a:1:0:1:2:3",
        "qc:1:0:1",
        "gsw:1:nope",  # not a switch
        "gsw:1:",
        "claimv:maybe:1:2",
        "bdp:2",
        "bdp:true",
        "bdx:S:1950:13:0:1",
        "bdm:X:1950:1:0",
        "rfcancel:1",
        "rf:remind:x:abc",  # the old formats
        "rf:rs:12",
        "quiz:a:1:0:1",
        "care:sw:1:birthday",
        "mat:zz:1",
        "mat:rm:" + "1" * 70,
        "x" * 65,
        "",
        ":",
        "nosuch:1",
    ],
)
def test_malformed_data_is_refused(data: str) -> None:
    assert parse_any(data) is None
    for kind in KINDS:
        assert kind.parse(data) is None and not kind.matches(data)


def test_the_typed_value_is_what_handlers_receive() -> None:
    tap = QuizTap.parse("qa:t:12:3:1")
    assert tap == QuizTap("t", 12, 3, 1) and tap.attempt == 12 and tap.action == "t"
    assert QuizConfirm.parse("qc:12:3") == QuizConfirm(12, 3)
    assert ClaimVerdict.parse(f"claimv:ok:5:{MAX_ID}") == ClaimVerdict("ok", 5, MAX_ID)
    assert GreetingSwitch.parse("gsw:1:double_ninth") == GreetingSwitch(1, "double_ninth")
    assert ReflectCancel.parse("rfcancel") == ReflectCancel()
    # A kind reads only its own prefix.
    assert ReportSession.parse("qc:12:3") is None


@pytest.mark.parametrize(
    "value",
    [
        ReportSession(0),
        ReportSession(MAX_ID + 1),
        ReportSession(True),
        QuizTap("x", 1, 0, 0),  # type: ignore[arg-type]
        QuizTap("a", 1, 0, 10),
        GreetingSwitch(1, "nope"),
    ],
)
def test_building_refuses_what_a_field_cannot_carry(value: CallbackData) -> None:
    with pytest.raises(ValueError):
        value.build()


def test_declarations_must_bound_every_field_and_keep_prefixes_apart() -> None:
    with pytest.raises(TypeError, match="bounds"):

        class Unbounded(CallbackData, prefix="zzunb"):
            n: int

    with pytest.raises(TypeError, match="taken"):

        class Again(CallbackData, prefix="rs"):
            session: Id

    with pytest.raises(TypeError, match="prefix"):

        class BadPrefix(CallbackData, prefix="a:b"):
            n: Annotated[int, Bounded(0, 1)]

    with pytest.raises(TypeError, match="words"):

        class BadWord(CallbackData, prefix="zzword"):
            w: Literal["a:b"]

    assert "zzunb" not in CallbackData.kinds and "zzword" not in CallbackData.kinds
