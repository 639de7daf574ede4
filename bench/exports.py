"""4. Exports: quiz results (10,000 members × 20 questions), a 12-month study ledger (1,000
members) and that year's summary (全年工作数据) to .xlsx, each in a fresh process: time and peak
memory (ru_maxrss).

The reference writes the same number of rows of plain values with
`storage.spreadsheets.write_xlsx` (streaming, write-only openpyxl). The features' own exports
(`storage/exports/quiz.py` `build_quiz_export`, `storage/exports/ledger.py` `build_ledger`) read a
database seeded with that much data; until a feature is merged and its seeder is filled in
below, its figure shows "needs …".
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import seed_exports
from bench.common import ROOT, Figure, median

GOAL_SECONDS = 10.0
GOAL_MB = 300.0


@dataclass(frozen=True)
class FeatureExport:
    """How to run a feature's export over a seeded database."""

    module: str
    function: str
    needs: str
    # Fills the database at `db` with `size` worth of the feature's data (members × questions,
    # members × months). None until the feature is merged: the lead plugs it in then.
    seed: Callable[[Path, tuple[int, int]], None] | None = None


FEATURES: dict[str, FeatureExport] = {
    "quiz": FeatureExport(
        "bench.seed_exports",
        "quiz_results",
        "the quiz feature (storage/exports/quiz.py build_quiz_export)",
        seed=seed_exports.seed_quiz,
    ),
    "ledger": FeatureExport(
        "bench.seed_exports",
        "ledger",
        "the reflections feature (storage/exports/ledger.py build_ledger)",
        seed=seed_exports.seed_ledger,
    ),
    "summary": FeatureExport(
        "bench.seed_exports",
        "year_summary",
        "the yearly summary (storage/exports/summary.py)",
        seed=seed_exports.seed_ledger,
    ),
}


async def run_worker(*args: str) -> dict[str, float]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.export_worker",
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"export worker {args[0]} failed: {err.decode()[-2000:]}")
    result: dict[str, float] = json.loads(out.decode().strip().splitlines()[-1])
    return result


async def one(
    workdir: Path,
    *,
    name: str,
    title: str,
    plain: str,
    size: tuple[int, int],
    runs: int,
) -> Figure:
    reference = [
        await run_worker(plain, str(workdir / f"{name}-plain-{i}.xlsx"), *map(str, size))
        for i in range(runs)
    ]
    ref_seconds = median([r["seconds"] for r in reference])
    ref_peak = max(r["peak_mb"] for r in reference)
    ref_text = f"{ref_seconds:.1f} s, {ref_peak:.0f} MB peak (plain write_xlsx, same rows)"
    goal = f"< {GOAL_SECONDS:.0f} s and < {GOAL_MB:.0f} MB"
    feature = FEATURES[name]
    if importlib.util.find_spec(feature.module) is None or feature.seed is None:
        return Figure(
            name, title, f"needs {feature.needs}", ref_text, goal, None,
            details=[f"reference file {reference[0]['bytes'] / 2**20:.1f} MB"],
        )  # fmt: skip
    db = workdir / f"{name}.db"
    feature.seed(db, size)
    measured = [
        await run_worker(
            f"feature-{name}",
            str(workdir / f"{name}-{i}.xlsx"),
            feature.module,
            feature.function,
            str(db),
        )
        for i in range(runs)
    ]
    seconds = median([m["seconds"] for m in measured])
    peak = max(m["peak_mb"] for m in measured)
    return Figure(
        name,
        title,
        f"{seconds:.1f} s, {peak:.0f} MB peak",
        ref_text,
        goal,
        seconds < GOAL_SECONDS and peak < GOAL_MB,
        ratio=f"{seconds / ref_seconds:.2f}× time",
    )


async def measure_all(
    workdir: Path, *, quick: bool, runs: int, profile: bool = False
) -> list[Figure]:
    quiz = (2000, 20) if quick else (10_000, 20)
    ledger = (200, 12) if quick else (1000, 12)
    return [
        await one(
            workdir,
            name="quiz",
            title=f"Quiz results export ({quiz[0]} members × {quiz[1]} questions)",
            plain="plain-quiz",
            size=quiz,
            runs=runs,
        ),
        await one(
            workdir,
            name="ledger",
            title=f"Study ledger export ({ledger[0]} members × {ledger[1]} months)",
            plain="plain-ledger",
            size=ledger,
            runs=runs,
        ),
        await one(
            workdir,
            name="summary",
            title=f"Yearly summary ({ledger[0]} members × {ledger[1]} months)",
            plain="plain-ledger",
            size=ledger,
            runs=runs,
        ),
    ]
