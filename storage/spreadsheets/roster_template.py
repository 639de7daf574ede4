"""The roster's blank template: its header (the columns storage/spreadsheets/roster.py reads),
two example members, and the 填写说明 sheet with the notes.

Pure file format: no database, no Telegram.
"""

from __future__ import annotations

from .writers import template_xlsx

_TEMPLATE_HEADER = (
    "姓名",
    "Telegram用户名",
    "Telegram ID",
    "性别",
    "出生日期",
    "历法",
    "入党日期",
    "党员",
    "备注",
    "电话",
    "状态",
    "党员类别",
    "转正日期",
)
# Example people have no Telegram username or ID: a made-up one could belong to a stranger.
_TEMPLATE_ROWS = (
    (
        "王建国",
        "",
        "",
        "男",
        "1948-03-12",
        "公历",
        "1970-07-01",
        "是",
        "示例，请改成本支部同志的信息",
        "",
        "",
        "党员",
        "1971-07-01",
    ),
    (
        "李秀英",
        "",
        "",
        "女",
        "农历1950年二月初八",
        "农历",
        "",
        "否",
        "示例，请改成本支部同志的信息",
        "",
        "住院",
        "群众",
        "",
    ),
)
_TEMPLATE_NOTES = (
    "填写说明",
    "1. 第一行是表头，请不要修改；从第二行起，每行填写一位同志。",
    "2. 只有“姓名”必须填写，其他不知道的可以空着。",
    "3. Telegram用户名不带@也可以；Telegram ID 是一串数字。两者知道一个就行，"
    "同名的同志请至少填一个，以便区分。",
    "4. 出生日期写法：1948-03-12、1948/3/12、1948年3月12日；按农历过生日的，"
    "写“农历1948年二月初八”，或在“历法”一栏填“农历”。",
    "5. “历法”填“公历”或“农历”，不填按公历。",
    "6. “入党日期”按公历填写，非党员不填；“党员”填“是”或“否”，不填时有入党日期就算党员。",
    "7. 上面两行是示例，请改成本支部同志的信息，或者删除。",
    "8. “电话”可以不填；填了的，会印在活动报名表上，方便联系。",
    "9. “状态”在册的空着；也可填 住院（休养）、调离（转出）、已故，已故请写上日期，"
    "例如“已故 2026-11-20”。住院的同志不收提醒、照常收祝福；调离、已故的同志不再收到任何消息，"
    "以前的记录都保留。",
    "10. “党员类别”填 党员、预备党员 或 群众（填了就不用看“党员”一栏）；"
    "“转正日期”按公历填写，党龄从转正算起，例如 1971-07-01。",
)


def roster_template() -> bytes:
    """A ready .xlsx: header, two example members (solar and lunar birthday), and notes."""
    return template_xlsx(
        title="名单",
        header=_TEMPLATE_HEADER,
        rows=_TEMPLATE_ROWS,
        widths=(12, 18, 16, 6, 22, 8, 14, 6, 30, 16, 16, 10, 14),
        notes=_TEMPLATE_NOTES,
    )
