"""Care rules without Telegram or a database: templates, switches, who is due, the digest."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.core.calendar import Festival, LeapRule
from bot.core.care.occasions import CarePerson, digest, medal_list, occasions_on, upcoming
from bot.core.care.options import (
    DEFAULT_TIME,
    OPT_OFF,
    OPT_ON,
    OPT_TEMPLATES,
    OPT_TIME,
    CareSettings,
    find,
    label,
    switch_options,
)
from bot.core.care.templates import (
    TEMPLATES,
    TemplateError,
    check_markup,
    check_template,
    render,
    sample_values,
)
from bot.core.cn_format import date_label
from bot.demo.fake.html import parse_html
from storage.dates import BirthDate, Calendar


def person(
    name: str = "王建国",
    *,
    birth: BirthDate | None = None,
    joined: date | None = None,
    member_id: int = 1,
    public: bool = True,
) -> CarePerson:
    return CarePerson(
        member_id=member_id,
        name=name,
        user_id=None,
        birth=birth,
        joined_party=joined,
        party_member=joined is not None,
        public_birthday=public,
    )


@pytest.mark.parametrize("key", TEMPLATES)
def test_every_default_template_renders_valid_telegram_html_with_any_name(key: str) -> None:
    text = render(CareSettings.from_options({}).template(key), sample_values(key, name="张<伟>&🌸"))
    parse_html(text)  # raises on markup Telegram would refuse
    default = CareSettings.from_options({}).template(key)
    assert check_template(key, default) == default


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("祝{nme}生日快乐", "{nme}"),
        ("祝{name.__class__}生日快乐", "花括号"),
        ("祝{name!r}生日快乐", "花括号"),
        ("祝{0}生日快乐", "花括号"),
        ("祝{name生日快乐", "花括号"),
        ("祝<b>{name}生日快乐", "没有配对"),
        ("祝<b>{name}</i>生日快乐", "没有配对"),
        ('祝<a href="x">{name}</a>', "不能用"),
        ("祝{name} < 100岁", "不能用"),
        ("祝{name} & 家人", "&amp;"),
        ("   ", "空"),
        ("长" * 1001, "太长"),
        ("{years}年", "{years}"),
    ],
)
def test_a_bad_birthday_template_is_refused_with_the_reason(template: str, reason: str) -> None:
    with pytest.raises(TemplateError) as caught:
        check_template("birthday", template)
    assert reason in caught.value.html
    parse_html(caught.value.html)


def test_a_good_template_keeps_its_markup_and_escapes_values() -> None:
    text = check_template(
        "birthday_private", "  🎂 <b>{name}</b>同志{age}岁 &amp; {{快乐}}\n福寿  "
    )
    assert text == "🎂 <b>{name}</b>同志{age}岁 &amp; {{快乐}}\n福寿"
    assert render(text, {"name": "张<伟>", "age": 80}) == (
        "🎂 <b>张&lt;伟&gt;</b>同志80岁 &amp; {快乐}\n福寿"
    )


def test_festival_templates_take_festival_and_date_only() -> None:
    assert check_template("double_ninth", "{festival}（{date}）快乐") == "{festival}（{date}）快乐"
    with pytest.raises(TemplateError):
        check_template("double_ninth", "{name}重阳快乐")


def test_markup_check_accepts_nested_simple_tags_and_entities() -> None:
    check_markup("<b>粗<i>斜</i></b> &lt; &#128512; &#x1F600;")
    with pytest.raises(TemplateError):
        check_markup("<b><i>x</b></i>")


def test_admins_name_templates_and_switches_in_chinese() -> None:
    assert find("七一", TEMPLATES) == Festival.PARTY_DAY
    assert find("重阳", TEMPLATES) == Festival.DOUBLE_NINTH
    assert find("整寿", TEMPLATES) == "birthday_round"
    assert find("生日", TEMPLATES) == "birthday"
    assert find("春晚", TEMPLATES) is None
    assert label("party_day") == "七一建党节"


def test_switches_default_on_except_group_anniversaries() -> None:
    s = CareSettings.from_options({})
    assert s.enabled("birthday") and s.enabled("double_ninth") and s.enabled("digest")
    assert not s.enabled("anniversary_group")
    assert switch_options({}, "double_ninth", False) == {OPT_OFF: ["double_ninth"], OPT_ON: []}
    assert switch_options({}, "anniversary_group", True) == {
        OPT_OFF: [],
        OPT_ON: ["anniversary_group"],
    }
    options = {OPT_OFF: ["double_ninth"], OPT_ON: ["anniversary_group"]}
    s = CareSettings.from_options(options)
    assert not s.enabled("double_ninth") and s.enabled("anniversary_group")
    back = switch_options(options, "double_ninth", True)
    assert back[OPT_OFF] == [] and back[OPT_ON] == ["anniversary_group"]
    assert switch_options(options, "anniversary_group", False)[OPT_ON] == []


def test_settings_fall_back_to_defaults_on_odd_values() -> None:
    s = CareSettings.from_options({OPT_TIME: "25:00", "care.leap_rule": "x", OPT_TEMPLATES: 3})
    assert s.greeting_time == DEFAULT_TIME and s.leap_rule is LeapRule.ORDINARY
    assert s.template("birthday") == CareSettings.from_options({}).template("birthday")
    s = CareSettings.from_options({OPT_TIME: "07:05", OPT_TEMPLATES: {"birthday": "x{name}"}})
    assert s.greeting_time == time(7, 5) and s.template("birthday") == "x{name}"
    assert s.customised("birthday") and not s.customised("birthday_round")


def test_occasions_of_a_day_include_birthdays_then_anniversaries() -> None:
    people = [
        person("甲", birth=BirthDate(Calendar.LUNAR, 1946, 9, 9), member_id=1),
        person("乙", joined=date(1976, 10, 18), member_id=2),
        person("丙", birth=BirthDate(Calendar.SOLAR, 1946, 10, 19), member_id=3),
    ]
    found = occasions_on(people, date(2026, 10, 18), leap_rule=LeapRule.ORDINARY)
    assert [(o.kind, o.person.name, o.number, o.special) for o in found] == [
        ("birthday", "甲", 80, True),
        ("anniversary", "乙", 50, True),
    ]


def test_a_twelfth_month_lunar_birthday_can_come_twice_in_a_window() -> None:
    # 腊月 birthdays fall in January in some Gregorian years and again in late December.
    birth = BirthDate(Calendar.LUNAR, 1950, 12, 1)
    found = upcoming([person(birth=birth)], date(2024, 1, 1), 366, leap_rule=LeapRule.ORDINARY)
    assert [o.day for o in found] == [date(2024, 1, 11), date(2024, 12, 31)]
    assert [o.number for o in found] == [73, 74]


def test_upcoming_is_in_date_order_and_stops_at_the_window() -> None:
    people = [
        person("晚", birth=BirthDate(Calendar.SOLAR, 1950, 12, 13), member_id=1),
        person("早", birth=BirthDate(Calendar.SOLAR, 1950, 12, 1), member_id=2),
        person("外", birth=BirthDate(Calendar.SOLAR, 1950, 12, 14), member_id=3),
    ]
    found = upcoming(people, date(2026, 11, 30), 14, leap_rule=LeapRule.ORDINARY)
    assert [o.person.name for o in found] == ["早", "晚"]


def test_the_medal_list_is_those_reaching_fifty_years_by_1_july() -> None:
    people = [
        person("到", joined=date(1976, 7, 1), member_id=1),
        person("刚过", joined=date(1975, 7, 2), member_id=2),
        person("去年", joined=date(1975, 7, 1), member_id=3),
        person("明年", joined=date(1976, 7, 2), member_id=4),
        person("群众", member_id=5),
    ]
    assert [p.name for p in medal_list(people, 2026)] == ["刚过", "到"]


def test_the_digest_marks_round_ages_lunar_dates_and_private_members() -> None:
    people = [
        person("甲", birth=BirthDate(Calendar.LUNAR, 1946, 9, 9), public=False),
        person("乙", joined=date(1976, 10, 20), member_id=2),
    ]
    text = digest(people, date(2026, 10, 17), 14, leap_rule=LeapRule.ORDINARY, weekly=False)
    assert "（10月17日至10月30日，走访慰问参考）" in text
    assert "10月18日（周日）　甲　80周岁生日（农历九月初九）（整寿） 🔒" in text
    assert "10月20日（周二）　乙　入党50周年（光荣在党50年）" in text
    assert "只私下祝福" in text
    parse_html(text)
    empty = digest([], date(2026, 10, 17), 14, leap_rule=LeapRule.ORDINARY, weekly=True)
    assert "没有同志" in empty and "每周" in empty


def test_dates_are_shown_lunar_for_lunar_festivals() -> None:
    assert date_label(date(2026, 10, 18)) == "农历九月初九"
    assert date_label(date(2026, 10, 1)) == "10月1日"
    assert date_label(date(2026, 3, 12), lunar=True).startswith("农历")
