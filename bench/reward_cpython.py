#!/usr/bin/env python3
"""CPython side of ``npm run bench:reward`` (driven by ``bench/reward.ts``).

Times ``difflib.SequenceMatcher(None, a, b).ratio()`` over a corpus of pairs:
one warm-up round, then ``rounds`` timed rounds, each timed as a whole with
``time.perf_counter_ns`` (after a ``gc.collect()``, as the JS side does).

Usage: ``python3 bench/reward_cpython.py CORPUS.json`` where the JSON file is
``{"rounds": int, "pairs": [[a, b], ...], "groups": [[start, end], ...]}``; the
groups (consecutive slices of the pairs, e.g. one per kind of step) are timed
one by one, so a round's time is the sum of its groups' times.  Prints one JSON
object to stdout: ``{"python": str, "round_ns": [int, ...], "group_ns":
[[int, ...] per group], "ratios": [float, ...]}``, the ratios being those of the
first timed round.  Standard library only.
"""

from __future__ import annotations

import difflib
import gc
import json
import platform
import sys
import time


def run_round(pairs: list[tuple[str, str]]) -> tuple[int, list[float]]:
    """Compute every ratio once; return the elapsed nanoseconds and the ratios."""
    ratios: list[float] = []
    append = ratios.append
    matcher = difflib.SequenceMatcher
    start = time.perf_counter_ns()
    for a, b in pairs:
        append(matcher(None, a, b).ratio())
    return time.perf_counter_ns() - start, ratios


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: reward_cpython.py CORPUS.json", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    pairs = [(a, b) for a, b in spec["pairs"]]
    rounds = int(spec["rounds"])
    groups = [pairs[start:end] for start, end in spec.get("groups", [[0, len(pairs)]])]

    run_round(pairs)  # warm-up
    round_ns: list[int] = []
    group_ns: list[list[int]] = [[] for _ in groups]
    first: list[float] = []
    for r in range(rounds):
        total = 0
        ratios: list[float] = []
        gc.collect()
        for g, group in enumerate(groups):
            ns, part = run_round(group)
            group_ns[g].append(ns)
            total += ns
            ratios.extend(part)
        round_ns.append(total)
        if r == 0:
            first = ratios
    # json.dumps writes floats with repr(), which round-trips exactly through JSON.parse.
    json.dump(
        {"python": platform.python_version(), "round_ns": round_ns, "group_ns": group_ns, "ratios": first},
        sys.stdout,
    )
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
