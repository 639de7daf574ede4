"""The month `yinling demo` plays: June and early July 2026 in the branch "老干之家", as a list of
scenes.

Each scene is one step of the branch's month: a small async function that makes the people of
bot/demo/world.py act through the `Stage` (bot/demo/stage.py): write, reply, send files, tap
buttons, vote, and move the clock so that the bot's own schedule (the theme-day push, the
reminder, quiz closing, greetings) comes due. The bot under it is the real one; nothing here
tells it what to answer.

To add a scene for a feature:
1. write one function here, decorated with `@scene(title, narration, starts=(month, day,
   hour, minute))`, that acts through the stage — `await stage.say(SECRETARY, "/menu",
   private=True)`, `await stage.tap(SECRETARY, "按钮上的字", private=True)`,
   `await stage.at(7, 2, 9, 0)` — finding buttons by the words people see on them;
2. add it to `SCENES` at its place in the month (the clock only moves forward: a scene starts
   at or after the one before it ends).
tests/e2e/test_demo.py checks what each scene leaves in the bot's records; add a check there.

The people's words are their script and stay beside what they do; the bot's words come from
bot/texts as in production.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.demo import samples
from bot.demo.stage import Stage
from bot.demo.world import SECRETARY, STAFF, person

YEAR = 2026
# The people by name, as the scenes use them.
ZHOU = SECRETARY  # 周建华, 支部书记
WU = person("吴志强")  # 支委
WANG = person("王建国")  # turns 80 on 农历五月十四
LI = person("李秀英")  # fifty years in the party on 七一
ZHANG = person("张德明")
LIU = person("刘桂芳")
CHEN = person("陈志远")
YANG = person("杨淑华")
HUANG = person("黄国庆")  # on the roster by username
SUN = person("孙桂芝")  # in hospital
MA = person("马玉兰")
HU = person("胡振华")
GUO = person("郭淑珍")
HE = person("何文斌")
GAO = person("高丽华")
LIN = person("林德顺")
LUO = person("罗秀珍")
LIANG = person("梁志诚")
SONG = person("宋玉梅")
ZHENG = person("郑家和")
XU = STAFF  # 许晓燕, 老干科

THEME = "学党章、守初心——重温入党誓词"


@dataclass(frozen=True)
class Scene:
    """One step of the month: its title, what happens (shown before it plays), and when."""

    name: str
    title: str
    narration: str
    starts: tuple[int, int, int, int]  # month, day, hour, minute of the story
    act: Callable[[Stage], Awaitable[None]]


def scene(
    title: str, narration: str, *, starts: tuple[int, int, int, int]
) -> Callable[[Callable[[Stage], Awaitable[None]]], Scene]:
    """Make the decorated function a scene with this title, narration and start."""

    def make(act: Callable[[Stage], Awaitable[None]]) -> Scene:
        return Scene(act.__name__, title, narration, starts, act)

    return make


async def play(stage: Stage, scenes: list[Scene]) -> None:
    """The scenes in order: each one's title, then the clock at its start, then its actions."""
    stage.recorder.total_scenes = len(scenes)
    for each in scenes:
        stage.recorder.scene(each.title, each.narration, stage.moment(*each.starts))
        await stage.pause(2)
        await stage.at(*each.starts)
        await each.act(stage)


# --- the month -------------------------------------------------------------------------------


@scene(
    "建群：把群设为支部",
    "书记周建华把机器人拉进“老干之家”并设为管理员，在群里发 /setup。\n"
    "几位老同志在子女帮助下打开了和机器人的私聊（点 START）。",
    starts=(6, 5, 7, 50),
)
async def setup(stage: Stage) -> None:
    await stage.say(ZHOU, "/setup")
    await stage.say(HUANG, "大家好！我是黄国庆，孙子帮我装好了Telegram。")
    await stage.say(WANG, "书记好，这个机器人是做什么用的？")
    await stage.say(ZHOU, "王老，以后学习材料、交心得、答题都在群里，机器人帮我们记着。")
    await stage.say(ZHOU, "/start", private=True)
    await stage.say(XU, "/start", private=True)
    for who in (WANG, LIU, LIN):
        await stage.say(who, "/start", private=True)


@scene(
    "导入名单",
    "书记把支部名单（示例名单.xlsx：20人，10名党员、10名群众，4人按农历过生日）私信发给机器人。\n"
    "名单里孙桂芝的备注是“住院”：书记看过预览、点“确认导入”，再把她的状态改成“住院”，\n"
    "此后她不收交心得的提醒，生日祝福照常，每周走访提示里提醒去探望。",
    starts=(6, 5, 8, 0),
)
async def roster(stage: Stage) -> None:
    await stage.send_document(
        ZHOU, samples.roster_xlsx(), "示例名单.xlsx", caption="/roster", private=True
    )
    # The preview says what the file would change; nothing changes before 确认导入.
    await stage.tap(ZHOU, "✅ 确认导入", private=True)
    await stage.say(ZHOU, "/roster", private=True)
    await stage.tap(ZHOU, "更改状态", private=True)
    await stage.tap(ZHOU, "孙桂芝", private=True)
    await stage.tap(ZHOU, "住院/休养", private=True)
    await stage.tap(ZHOU, "✅ 确认", private=True)


@scene(
    "主题党日",
    "书记在私聊里发 /menu，点“主题党日 → 设定每月主题党日”，点“15”“09:00”，写上学习主题，\n"
    "看一眼下次的日子再点“确认”；又备好两份学习材料（一份PDF、一张照片）。\n"
    "到了6月15日9点，机器人按时把主题、材料和“提交心得”的邀请发到群里。",
    starts=(6, 10, 15, 0),
)
async def theme_day(stage: Stage) -> None:
    await stage.say(ZHOU, "/menu", private=True)
    await stage.tap(ZHOU, "主题党日", private=True)
    await stage.tap(ZHOU, "设定每月主题党日", private=True)
    await stage.tap(ZHOU, "15", private=True)
    await stage.tap(ZHOU, "09:00", private=True)
    await stage.say(ZHOU, THEME, private=True)
    await stage.tap(ZHOU, "确认", private=True)
    await stage.send_document(
        ZHOU,
        samples.material_pdf(),
        "党章第一章（学习辅导）.pdf",
        caption="/material 党章第一章 党员",
        private=True,
    )
    await stage.send_photo(ZHOU, samples.red_boat_png(), caption="/material 南湖红船", private=True)
    await stage.say(ZHOU, "/materials", private=True)
    await stage.at(6, 15, 9, 0)
    await stage.pause(3)


@scene(
    "交心得",
    "大家学完后回复机器人的邀请交心得：文字、语音、手写稿的照片都可以；\n"
    "郑家和点“📝 提交心得”到私聊里录了语音。机器人在群里一并致谢，私聊的当即致谢。",
    starts=(6, 15, 9, 20),
)
async def reflections(stage: Stage) -> None:
    invitation = stage.last(button="提交心得")
    await stage.say(
        WU,
        "重温入党誓词，心潮澎湃。虽然退休了，党员的身份永远不退休，我要继续发挥余热，"
        "多关心下一代。",
        reply_to=invitation,
    )
    await stage.send_voice(WANG, 72, reply_to=invitation)
    await stage.say(
        LI,
        "学习了党章第一章，对党员的义务和权利理解更深了。今年七一是我入党五十周年，初心不改。",
        reply_to=invitation,
    )
    await stage.later(seconds=20)  # the group goes quiet: one thank-you for all three
    await stage.later(minutes=25)
    await stage.send_photo(
        ZHANG, samples.handwritten_page_png(), caption="手写了一页心得，请查收", reply_to=invitation
    )
    await stage.say(
        MA,
        "我虽然不是党员，也认真学习了材料，很受教育。感谢支部一直关心我们这些老同志。",
        reply_to=invitation,
    )
    await stage.send_voice(HU, 48, reply_to=invitation)
    await stage.later(seconds=20)
    await stage.at(6, 15, 15, 30)
    await stage.say(
        CHEN,
        "党章读了三遍。党章是立党治党管党的总章程，退休党员更要带头遵守。",
        reply_to=invitation,
    )
    await stage.say(
        GAO,
        "学习了，很有收获。建议下次材料的字再大一点，方便我们老年人看。",
        reply_to=invitation,
    )
    await stage.later(seconds=20)
    await stage.at(6, 16, 10, 5)
    await stage.tap(ZHENG, "提交心得")
    await stage.send_voice(ZHENG, 125, private=True)
    await stage.say(
        ZHOU,
        "作为书记也交一份：支部的同志们年纪大了，学习的劲头一点不减，这是我们支部最宝贵的。",
        reply_to=invitation,
    )
    await stage.later(seconds=20)
    await stage.say(GUO, "/start", private=True)


@scene(
    "提醒",
    "6月17日上午9点，机器人在群里温和地提醒大家（不点名，谁也不会在群里被点到），\n"
    "并私信提醒还没交、打开过私聊的人；交过的人和住院的孙桂芝不会收到提醒。",
    starts=(6, 17, 9, 0),
)
async def reminder(stage: Stage) -> None:
    await stage.at(6, 17, 10, 30)
    await stage.tap(LIU, "提交心得", private=True)
    await stage.say(
        LIU,
        "谢谢提醒！前两天带外孙没顾上。学了党章，我觉得党员就要时时处处起带头作用。",
        private=True,
    )
    invitation = stage.last(button="提交心得")
    await stage.at(6, 17, 16, 0)
    await stage.send_photo(
        LUO, samples.handwritten_page_png(seed=11), caption="罗秀珍的学习心得", reply_to=invitation
    )
    await stage.later(seconds=20)
    # The deadline is 23:59 on 6月22日; 林德顺 hands his in the day after, marked late.
    await stage.at(6, 23, 9, 40)
    await stage.send_voice(LIN, 95, reply_to=invitation)
    await stage.later(seconds=20)


def quiz_number(stage: Stage, title: str) -> str:
    """The number the bot gave an imported bank (the secretary reads it off the card)."""
    card = stage.last(containing=title, private_to=ZHOU)
    found = re.search(r"编号 (\d+)", card.get("text", ""))
    if found is None:
        raise LookupError(f"no quiz number on the card of {title}")
    return found[1]


@scene(
    "群里答题",
    "书记导入“迎七一党史知识测试”（5题），在群里开放24小时：每题一个投票，大家点选项作答。\n"
    "第二天时间到，机器人停止投票，在群里发一个鼓励的小结（只说人数和平均分，不点名）。",
    starts=(6, 24, 10, 0),
)
async def group_quiz(stage: Stage) -> None:
    title = "迎七一党史知识测试"
    await stage.send_document(
        ZHOU,
        samples.bank_xlsx(samples.GROUP_BANK),
        "党史题库.xlsx",
        caption=f"/quiz {title}",
        private=True,
    )
    await stage.say(ZHOU, f"/quiz start {quiz_number(stage, title)} group 24", private=True)
    polls = stage.polls()[-len(samples.GROUP_BANK) :]
    # Each member's choices, question by question (right: B, B, A, ABC, B).
    sheets = {
        WANG: ["B", "B", "A", "ABC", "B"],
        LI: ["B", "B", "A", "ABC", "B"],
        WU: ["B", "B", "A", "ABC", "B"],
        ZHANG: ["A", "B", "A", "AB", "B"],
        CHEN: ["B", "B", "A", "ABC", "A"],
        MA: ["B", "B", "A", "AC", "B"],
        GAO: ["B", "C", "A", "ABC", "B"],
        HU: ["B", "B", "A", "ABC", "B"],
        LUO: ["B", "B", "A", "ABC"],  # the last one she never got round to
        ZHENG: ["B", "B", "A", "ABC", "B"],
    }
    for who, choices in sheets.items():
        await stage.later(minutes=7)
        for poll, letters in zip(polls, choices, strict=False):
            await stage.vote(who, poll, letters)
    await stage.at(6, 25, 10, 0)
    await stage.pause(2)


@scene(
    "私聊答题",
    "书记再导入“七一知识小测”（4题），这次私聊答题：群里一个“开始答题”按钮，\n"
    "点了就到和机器人的私聊里，一题一个大按钮，答完一题马上告诉对错和解析。",
    starts=(6, 25, 14, 0),
)
async def private_quiz(stage: Stage) -> None:
    title = "七一知识小测"
    await stage.send_document(
        ZHOU,
        samples.bank_xlsx(samples.PRIVATE_BANK),
        "七一小测.xlsx",
        caption=f"/quiz {title}",
        private=True,
    )
    await stage.say(ZHOU, f"/quiz start {quiz_number(stage, title)} private 24", private=True)
    sheets = {
        WANG: ["A", "C", "A", "ABC"],
        LIU: ["A", "C", "B", "AB"],
        LI: ["A", "C", "A", "ABC"],
    }
    for who, choices in sheets.items():
        await stage.later(minutes=11)
        await stage.tap(who, "开始答题")
        for choice in choices:
            if len(choice) == 1:
                await stage.tap(who, f"{choice}.", private=True)
            else:
                for letter in choice:
                    await stage.tap(who, f"{letter}.", private=True)
                await stage.tap(who, "确认", private=True)
    await stage.at(6, 26, 14, 0)
    await stage.pause(2)


@scene(
    "导出台账和成绩",
    "老干科的许晓燕在私聊里发 /export，下载本次主题党日的学习台账（表格和心得原件）\n"
    "和两次测试的成绩表，打印或报给上级。文件也写在演示文件夹的 exports/ 里。",
    starts=(6, 26, 15, 0),
)
async def exports(stage: Stage) -> None:
    await stage.say(XU, "/export", private=True)
    await stage.tap(XU, "学习台账", private=True)
    await stage.tap(XU, THEME[:4], private=True)
    await stage.say(XU, "/export", private=True)
    await stage.tap(XU, "测试成绩", private=True)
    await stage.tap(XU, "迎七一", private=True)
    await stage.say(XU, "/export", private=True)
    await stage.tap(XU, "测试成绩", private=True)
    await stage.tap(XU, "七一知识小测", private=True)


# The secretary's own words for the private greeting on a round birthday ({姓名} and {年龄} are
# filled in).
BIRTHDAY_WORDS = (
    "{姓名}同志，您好！今天是您的{年龄}岁大寿，支部全体同志祝您生日快乐、健康长寿！"
    "天热了，请多喝水、注意休息。"
)


@scene(
    "点按钮改生日祝福语",
    "书记发 /menu，点“祝福”→“修改祝福语”→“整寿”（逢十的生日私信），看到现在的祝福语和大家看到的样子；\n"
    "再打字写上自己的话，用 {姓名} {年龄} 代替名字和岁数，看过预览，点“确认”保存。",
    starts=(6, 26, 15, 40),
)
async def greeting_words(stage: Stage) -> None:
    await stage.say(ZHOU, "/menu", private=True)
    await stage.tap(ZHOU, "祝福", private=True)
    await stage.tap(ZHOU, "修改祝福语", private=True)
    await stage.tap(ZHOU, "整寿", private=True)
    await stage.say(ZHOU, BIRTHDAY_WORDS, private=True)
    await stage.tap(ZHOU, "确认", private=True)


@scene(
    "生日、节日和政治生日",
    "书记打开“政治生日群发”。6月28日（农历五月十四）王建国八十大寿，机器人一早在群里\n"
    "和私聊祝寿；7月1日建党节，群里节日祝福，李秀英入党五十周年（光荣在党50年）。",
    starts=(6, 26, 16, 0),
)
async def greetings(stage: Stage) -> None:
    await stage.say(ZHOU, "/greetings 开 政治生日群发", private=True)
    await stage.at(6, 28, 8, 30)
    await stage.pause(2)
    await stage.say(WU, "祝王老生日快乐，福如东海，寿比南山！")
    await stage.at(7, 1, 8, 30)
    await stage.pause(2)
    await stage.say(LI, "谢谢组织，谢谢大家！五十年了，初心不改。")


@scene(
    "七一加学一次：点按钮推送",
    "七一当天，书记想请大家再学一次。她在私聊里点“管理菜单 → 主题党日 → 现在就推送”，\n"
    "写上主题，先看预览（发到哪个群、多少人、会不会代替本月的定时推送），再点“确认发出”。",
    starts=(7, 1, 10, 0),
)
async def push_by_tapping(stage: Stage) -> None:
    await stage.say(ZHOU, "/menu", private=True)
    await stage.tap(ZHOU, "主题党日", private=True)
    await stage.tap(ZHOU, "现在就推送", private=True)
    await stage.say(ZHOU, PUSH_TOPIC, private=True)
    await stage.pause(2)  # reading the preview
    await stage.tap(ZHOU, "确认发出", private=True)


PUSH_TOPIC = "学习七一重要讲话精神"


@scene(
    "活动报名：秋游",
    "书记在私聊里发 /activity，点“新建活动”，一步一步写好秋游的时间、地点、集合点和名额；\n"
    "群里出现报名卡片，老同志点一下就报上名，带老伴的点“带家属参加”，书记随时看名单。",
    starts=(7, 2, 9, 0),
)
async def activity(stage: Stage) -> None:
    await stage.say(ZHOU, "/activity", private=True)
    await stage.tap(ZHOU, "新建活动", private=True)
    await stage.say(ZHOU, "秋游：参观红旗村史馆", private=True)
    await stage.say(ZHOU, "7月16日上午8点半", private=True)
    await stage.say(ZHOU, "红旗村村史馆", private=True)
    await stage.say(ZHOU, "局机关大院门口", private=True)
    await stage.tap(ZHOU, "提前1小时", private=True)
    await stage.say(ZHOU, "穿舒服的鞋，带水杯和常用药", private=True)
    await stage.tap(ZHOU, "2天前", private=True)
    await stage.say(ZHOU, "30", private=True)
    await stage.tap(ZHOU, "可以带一位家属", private=True)
    await stage.tap(ZHOU, "只显示人数", private=True)
    await stage.tap(ZHOU, "确认", private=True)
    await stage.tap(WANG, "我参加")
    await stage.tap(LI, "带家属参加")
    await stage.tap(ZHANG, "我参加")
    await stage.tap(HUANG, "不参加")
    await stage.say(WU, "秋高气爽，正好出去走走！")
    await stage.later(minutes=10)
    await stage.say(ZHOU, "/activity", private=True)
    await stage.tap(ZHOU, "秋游", private=True)


@scene(
    "走访慰问",
    "周一早上，书记和工作人员收到近两周的生日和纪念日提示，孙桂芝7月20日生日，还在住院。\n"
    "许晓燕下午去医院看望后点“已走访”，表格已填好是谁、什么事，点几下就记进走访台账。",
    starts=(7, 13, 8, 0),
)
async def visits(stage: Stage) -> None:
    await stage.at(7, 13, 8, 30)
    await stage.pause(2)
    await stage.at(7, 13, 16, 0)
    await stage.tap(XU, "已走访：孙桂芝", private=True)
    await stage.tap(XU, "今天", private=True)
    await stage.tap(XU, "许晓燕", private=True)
    await stage.tap(XU, "慰问品和慰问金", private=True)
    await stage.say(XU, "五百元", private=True)
    await stage.say(XU, "精神不错，下周出院", private=True)
    await stage.tap(XU, "确认", private=True)
    await stage.say(XU, "/visits", private=True)


@scene(
    "全年工作数据",
    "许晓燕准备年中汇报，发 /summary：一段话说清今年办了几次主题党日、收了多少心得、\n"
    "答了几次题、走访了几位同志（活动办完后也会算进去），另附一份可以打印的表格。",
    starts=(7, 13, 17, 0),
)
async def summary(stage: Stage) -> None:
    await stage.say(XU, "/summary", private=True)


SCENES: list[Scene] = [
    setup,
    roster,
    theme_day,
    reflections,
    reminder,
    group_quiz,
    private_quiz,
    exports,
    greeting_words,
    greetings,
    push_by_tapping,
    activity,
    visits,
    summary,
]
