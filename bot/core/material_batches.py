"""How a theme day's materials go out: which sends, in which order (pure, no I/O).

Documents go together in media groups, photos in their own (Telegram cannot mix the two in
one group), at most ten per group; each group appears where its first item was queued, so the
secretary's order holds as far as grouping allows. Texts and links go one message each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

MAX_GROUP = 10  # Telegram's limit for sendMediaGroup
FILE_KINDS = ("document", "photo")
Method = Literal["sendMediaGroup", "sendDocument", "sendPhoto", "sendMessage"]
SINGLE_METHOD: dict[str, Method] = {
    "document": "sendDocument",
    "photo": "sendPhoto",
    "text": "sendMessage",
}


@dataclass(frozen=True)
class Item:
    """One material, as much of it as the plan needs."""

    id: int
    kind: str  # document | photo | text | link


@dataclass(frozen=True)
class Batch:
    """One call to Telegram: sendMediaGroup, sendDocument, sendPhoto or sendMessage."""

    method: Method
    items: tuple[Item, ...]


def single(item: Item) -> Batch:
    """The send for one material on its own."""
    return Batch(SINGLE_METHOD.get(item.kind, "sendMessage"), (item,))


def plan(items: Sequence[Item]) -> list[Batch]:
    """The sends for these materials, in order."""
    by_kind: dict[str, list[Item]] = {kind: [] for kind in FILE_KINDS}
    for item in items:
        if item.kind in by_kind:
            by_kind[item.kind].append(item)
    batches: list[Batch] = []
    emitted: set[str] = set()
    for item in items:
        if item.kind not in by_kind:
            batches.append(single(item))
            continue
        if item.kind in emitted:
            continue
        emitted.add(item.kind)
        same = by_kind[item.kind]
        for start in range(0, len(same), MAX_GROUP):
            chunk = tuple(same[start : start + MAX_GROUP])
            # A group needs at least two items; a lone one goes as a plain send.
            batches.append(Batch("sendMediaGroup", chunk) if len(chunk) > 1 else single(chunk[0]))
    return batches


def message_count(batches: Sequence[Batch]) -> int:
    """Messages the sends make in the chat (a media group is one message per item)."""
    return sum(len(b.items) for b in batches)
