"""Run the benchmarks: `python -m bench [--quick] [--only NAME ...] [--runs N] [--profile]`.

Prints each figure with its goal and PASS/FAIL, and writes the table to bench/results.md (the
README's "Benchmarks" section copies it). A figure whose feature is not in this build is shown
as "needs …" and is neither passed nor failed.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench import (
    exports,
    footprint,
    hostile,
    inbound,
    poll_answers,
    quiz_burst,
    sending,
    ticks,
)
from bench.common import Figure, NeedsFeature, machine

RESULTS = Path(__file__).with_name("results.md")

Measure = Callable[..., Awaitable[Figure]]
BENCHMARKS: dict[str, tuple[str, Measure]] = {
    "inbound": ("Inbound throughput", inbound.measure),
    "polls": ("Poll answers after a restart", poll_answers.measure),
    "quiz": ("Quiz burst", quiz_burst.measure),
    "sending": ("Sending at Telegram's limit", sending.measure),
    "exports": ("Exports", exports.measure_all),
    "ticks": ("Daily ticks", ticks.measure),
    "hostile": ("Hostile spreadsheets", hostile.measure),
    "footprint": ("Footprint", footprint.measure),
}


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer runs")
    parser.add_argument("--only", action="append", choices=sorted(BENCHMARKS), default=[])
    parser.add_argument("--runs", type=int, help="runs per figure (default 3, --quick 2)")
    parser.add_argument("--profile", action="store_true", help="cProfile the bot (inbound, polls)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the table")
    return parser.parse_args(argv)


def table(figures: list[Figure], info: dict[str, str], *, quick: bool, seconds: float) -> str:
    lines = [
        "| Figure | Measured | Reference | Ratio | Goal | Pass |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for f in figures:
        cells = [f.title, f.measured, f.reference, f.ratio, f.goal, f.verdict]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    details = [f"- **{f.title}**: " + "; ".join(f.details) for f in figures if f.details]
    size = "quick (`--quick`)" if quick else "full"
    machine_line = ", ".join(f"{k} {v}" for k, v in info.items())
    return "\n".join(
        [
            f"Run: {size}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
            f"{seconds:.0f} s in all.",
            "",
            f"Machine: {machine_line}.",
            "",
            *lines,
            "",
            *details,
            "",
        ]
    )


async def run(args: argparse.Namespace) -> list[Figure]:
    runs = args.runs or (2 if args.quick else 3)
    names = args.only or list(BENCHMARKS)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="yinling-bench-") as tmp:
        for name in names:
            title, measure = BENCHMARKS[name]
            workdir = Path(tmp) / name
            workdir.mkdir()
            print(f"\n=== {title} ...", flush=True)
            started = time.monotonic()
            try:
                result = await measure(workdir, quick=args.quick, runs=runs, profile=args.profile)
            except NeedsFeature as exc:
                result = Figure(name, title, f"needs {exc}", "", "", None)
            for figure in result if isinstance(result, list) else [result]:
                figures.append(figure)
                print(
                    f"{figure.verdict:4}  {figure.title}: {figure.measured} | reference "
                    f"{figure.reference} | ratio {figure.ratio or '—'} | goal {figure.goal}"
                )
                for line in figure.details:
                    print(f"      {line}")
            print(f"      ({time.monotonic() - started:.0f} s)", flush=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    logging.basicConfig(level=logging.WARNING)
    info = machine()
    print("Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    started = time.monotonic()
    figures = asyncio.run(run(args))
    text = table(figures, info, quick=args.quick, seconds=time.monotonic() - started)
    args.out.write_text(text, encoding="utf-8")
    print(f"\nwritten to {args.out}")
    return 1 if any(f.passed is False for f in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
