"""The files the demo's people send, made on the spot: the roster, two question banks, a study
material (PDF), two pictures (the red boat of Nanhu, a handwritten page) and voice recordings.

Pictures are drawn here pixel by pixel and written as PNG with zlib, so the demo needs no image
library and its photos look like something in the chat page. Nothing here touches the network
or the database.
"""

from __future__ import annotations

import io
import math
import random
import struct
import zlib
from collections.abc import Sequence

from openpyxl import Workbook

from bot.demo.world import roster_rows

BANK_HEADER = ["题目", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "分值"]

# 迎七一 in the group: one poll per question.
GROUP_BANK: list[list[str]] = [
    [
        "中国共产党第一次全国代表大会于哪一年召开？",
        "1919年",
        "1921年",
        "1927年",
        "1949年",
        "B",
        "1921年7月，中共一大在上海召开，最后一天转到嘉兴南湖的游船上举行。",
        "1",
    ],
    [
        "中共一大最后一天的会议转移到了哪里举行？",
        "上海石库门",
        "嘉兴南湖红船",
        "井冈山",
        "延安",
        "B",
        "南湖红船因此被称为“中国革命的摇篮”。",
        "1",
    ],
    [
        "党的根本宗旨是什么？",
        "全心全意为人民服务",
        "实事求是",
        "艰苦奋斗",
        "自力更生",
        "A",
        "党章总纲：党除了工人阶级和最广大人民群众的利益，没有自己特殊的利益。",
        "1",
    ],
    [
        "党的三大优良作风包括哪些？",
        "理论联系实际",
        "密切联系群众",
        "批评与自我批评",
        "墨守成规",
        "ABC",
        "三大优良作风：理论联系实际、密切联系群众、批评与自我批评。",
        "2",
    ],
    [
        "入党誓词中，“为共产主义奋斗终身”之后是哪一句？",
        "永不叛党",
        "随时准备为党和人民牺牲一切",
        "对党忠诚",
        "积极工作",
        "B",
        "……为共产主义奋斗终身，随时准备为党和人民牺牲一切，永不叛党。",
        "1",
    ],
]

# 七一知识小测, answered privately one question at a time.
PRIVATE_BANK: list[list[str]] = [
    [
        "我们党的最高理想和最终目标是什么？",
        "实现共产主义",
        "全面建成小康社会",
        "基本实现现代化",
        "实现祖国统一",
        "A",
        "党章总纲：党的最高理想和最终目标是实现共产主义。",
        "1",
    ],
    [
        "“光荣在党50年”纪念章颁发给党龄达到多少年的党员？",
        "30年",
        "40年",
        "50年",
        "60年",
        "C",
        "党龄从转正之日算起，满50年颁发纪念章。",
        "1",
    ],
    [
        "党的根本组织原则是什么？",
        "民主集中制",
        "集体领导",
        "个人负责",
        "少数服从多数",
        "A",
        "民主集中制是民主基础上的集中和集中指导下的民主相结合。",
        "1",
    ],
    [
        "下列哪些是党员的义务？",
        "认真学习党的理论",
        "贯彻执行党的基本路线",
        "坚持党和人民的利益高于一切",
        "谋取个人特权",
        "ABC",
        "党员没有任何特权，这是党章的明确规定。",
        "2",
    ],
]


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    """A one-sheet workbook with these rows."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def roster_xlsx() -> bytes:
    """The sample roster (bot/demo/world.py) as the secretary would send it."""
    return xlsx(roster_rows())


def bank_xlsx(questions: list[list[str]]) -> bytes:
    return xlsx([BANK_HEADER, *questions])


def voice(seconds: int) -> bytes:
    """A voice message's bytes: an Ogg header and filler of about the right size (no sound)."""
    return b"OggS\x00\x02" + bytes(range(200)) * (seconds * 2)


def material_pdf() -> bytes:
    """A small valid one-page PDF standing in for the study material."""
    text = "Study material of the theme party day (demo). The real file would be the Party Constitution."
    stream = f"BT /F1 11 Tf 50 780 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# --- pictures --------------------------------------------------------------------------------

RGB = tuple[int, int, int]


class Canvas:
    """An RGB picture to draw on with a few shapes, written out as PNG."""

    def __init__(self, width: int, height: int, background: RGB) -> None:
        self.width = width
        self.height = height
        self.pixels = bytearray(bytes(background) * (width * height))

    def dot(self, x: int, y: int, colour: RGB) -> None:
        if 0 <= x < self.width and 0 <= y < self.height:
            i = (y * self.width + x) * 3
            self.pixels[i : i + 3] = bytes(colour)

    def rect(self, x0: int, y0: int, x1: int, y1: int, colour: RGB) -> None:
        for y in range(max(0, y0), min(self.height, y1)):
            for x in range(max(0, x0), min(self.width, x1)):
                self.dot(x, y, colour)

    def polygon(self, points: Sequence[tuple[float, float]], colour: RGB) -> None:
        """Fill a simple polygon, scanline by scanline."""
        top = max(0, int(min(p[1] for p in points)))
        bottom = min(self.height - 1, int(max(p[1] for p in points)))
        edges = list(zip(points, [*points[1:], points[0]], strict=True))
        for y in range(top, bottom + 1):
            crossings = sorted(
                x0 + (y + 0.5 - y0) * (x1 - x0) / (y1 - y0)
                for (x0, y0), (x1, y1) in edges
                if (y0 <= y + 0.5 < y1) or (y1 <= y + 0.5 < y0)
            )
            for left, right in zip(crossings[::2], crossings[1::2], strict=False):
                for x in range(max(0, round(left)), min(self.width, round(right))):
                    self.dot(x, y, colour)

    def line(self, a: tuple[float, float], b: tuple[float, float], colour: RGB, width: int) -> None:
        """A stroke of a pen `width` pixels wide."""
        steps = max(1, int(math.dist(a, b) * 2))
        r = width / 2
        for i in range(steps + 1):
            cx = a[0] + (b[0] - a[0]) * i / steps
            cy = a[1] + (b[1] - a[1]) * i / steps
            for y in range(int(cy - r), int(cy + r) + 1):
                for x in range(int(cx - r), int(cx + r) + 1):
                    if (x - cx) ** 2 + (y - cy) ** 2 <= r * r + 0.25:
                        self.dot(x, y, colour)

    def png(self) -> bytes:
        def chunk(kind: bytes, data: bytes) -> bytes:
            body = kind + data
            return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

        stride = self.width * 3
        raw = b"".join(
            b"\x00" + bytes(self.pixels[y * stride : (y + 1) * stride]) for y in range(self.height)
        )
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b"")
        )


def red_boat_png() -> bytes:
    """The red boat on Nanhu lake, where the first party congress ended (the second material)."""
    w, h = 480, 300
    c = Canvas(w, h, (214, 232, 244))
    for y in range(int(h * 0.62)):  # the sky, paler towards the water
        shade = int(40 * y / (h * 0.62))
        c.rect(0, y, w, y + 1, (176 + shade, 212 + shade // 2, 238))
    c.polygon(
        [(0, 150), (90, 120), (170, 140), (260, 112), (360, 138), (480, 118), (480, 186), (0, 186)],
        (120, 160, 120),
    )  # far shore
    c.rect(0, 186, w, h, (78, 128, 168))  # the lake
    for y in range(196, h, 12):  # ripples
        for x in range((y * 7) % 40, w, 60):
            c.rect(x, y, x + 26, y + 2, (120, 168, 204))
    hull = [(96, 214), (384, 214), (352, 250), (128, 250)]
    c.polygon(hull, (122, 30, 24))
    c.rect(140, 170, 340, 214, (196, 36, 30))  # the cabin
    c.polygon([(126, 172), (354, 172), (334, 150), (146, 150)], (70, 40, 32))  # its roof
    for x in range(156, 330, 34):  # windows
        c.rect(x, 182, x + 20, 202, (250, 214, 120))
    c.line((240, 150), (240, 96), (70, 40, 32), 3)  # the mast
    c.polygon([(242, 96), (286, 106), (242, 118)], (222, 30, 30))  # a red flag
    c.polygon([(96, 214), (60, 206), (104, 222)], (122, 30, 24))  # the bow
    c.polygon([(384, 214), (420, 204), (376, 224)], (122, 30, 24))  # the stern
    return c.png()


def handwritten_page_png(seed: int = 7) -> bytes:
    """A photographed page of a handwritten reflection: ruled paper, rows of ink characters."""
    w, h = 360, 480
    paper, rule, margin, ink = (250, 244, 226), (178, 204, 226), (226, 140, 140), (36, 48, 96)
    c = Canvas(w, h, paper)
    for y in range(56, h - 20, 28):
        c.rect(14, y, w - 14, y + 1, rule)
    c.rect(44, 14, 45, h - 14, margin)
    rnd = random.Random(seed)
    row_tops = list(range(34, h - 40, 28))
    for row, top in enumerate(row_tops):
        x = 56 if row else 86  # the first line is indented
        end = w - 24 if row < len(row_tops) - 1 else w // 2
        while x < end - 16:
            if rnd.random() < 0.08:  # a comma or a full stop
                c.line((x + 3, top + 18), (x + 5, top + 20), ink, 3)
                x += 12
                continue
            for _ in range(rnd.randint(3, 6)):  # one character: a few strokes in its box
                kind = rnd.random()
                x0, y0 = x + rnd.uniform(1, 13), top + rnd.uniform(2, 18)
                if kind < 0.4:
                    x1, y1 = x0 + rnd.uniform(5, 14), y0 + rnd.uniform(-2, 2)
                elif kind < 0.75:
                    x1, y1 = x0 + rnd.uniform(-2, 2), y0 + rnd.uniform(5, 14)
                else:
                    x1, y1 = x0 + rnd.uniform(-9, 9), y0 + rnd.uniform(4, 10)
                c.line((x0, y0), (min(x1, x + 17), min(y1, top + 21)), ink, 2)
            x += 20 + rnd.randint(0, 3)
    return c.png()
