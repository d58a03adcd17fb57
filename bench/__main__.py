"""``python -m bench``: every benchmark against the local emulator, then a table.

Writes ``bench/results/latest.json`` and ``bench/results/latency.png``. Each figure is a
median, a p99 or a ratio against a baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import platform
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from bench import fanout, faults, latency, memory, search, stalls, trivia_load
from bench.harness import RESULTS


def _fmt(value: float, digits: int = 2) -> str:
    return "n/a" if math.isnan(value) else f"{value:.{digits}f}"


def _ratio(values: list[float]) -> str:
    median, low, high = latency.spread(values)
    return f"{_fmt(median)}x ({_fmt(low)}-{_fmt(high)})"


def latency_table(results: list[latency.Comparison]) -> list[str]:
    lines = [
        "| ours | load | rounds | baseline p50 | ours p50 | p50 ratio (min-max) |"
        " baseline p99 | ours p99 | p99 ratio (min-max) | failed (baseline, ours) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        load = "one at a time" if r.rate == 0 else f"{r.rate:.0f}/s"
        lines.append(
            f"| {r.action} | {load} | {len(r.p50_ratios)} | {_fmt(r.baseline.p50_ms)} ms |"
            f" {_fmt(r.fanbot.p50_ms)} ms | {_ratio(r.p50_ratios)} | {_fmt(r.baseline.p99_ms)} ms |"
            f" {_fmt(r.fanbot.p99_ms)} ms | {_ratio(r.p99_ratios)} |"
            f" {r.baseline_failed}, {r.fanbot_failed} |"
        )
    return lines


def stall_table(results: list[stalls.StallResult]) -> list[str]:
    lines = [
        "| command | runs | longest loop stall | probes | probes over 50 ms |"
        " answer p50 | answer max | failed |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        bound = (
            f"> {_fmt(r.above_ms, 0)} ms"
            if math.isinf(r.longest_ms)
            else f"{_fmt(r.above_ms, 0)}-{_fmt(r.longest_ms, 0)} ms"
        )
        lines.append(
            f"| {r.command} | {r.runs} | {bound} | {r.probes} | {r.probes_over_50ms} |"
            f" {_fmt(r.latency.p50_ms)} ms | {_fmt(r.latency.max_ms)} ms | {r.failed} |"
        )
    return lines


def show(lines: list[str], report: dict[str, Any]) -> None:
    """Print what was measured since the last call, so a long run shows progress, and save
    the report so far (a later benchmark that fails leaves the earlier figures)."""
    print("\n".join(lines), flush=True)
    lines.clear()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2))


def plot(results: list[latency.Comparison]) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed (pip install -e '.[bench]'): no plot")
        return
    figure, axes = plt.subplots(figsize=(7, 4))
    paced = sorted((r for r in results if r.rate > 0), key=lambda r: r.rate)
    rates = [r.rate for r in paced]
    for bot in ("baseline", "fanbot"):
        summaries = [r.baseline if bot == "baseline" else r.fanbot for r in paced]
        axes.plot(rates, [s.p50_ms for s in summaries], marker="o", label=f"{bot} p50")
        axes.plot(
            rates, [s.p99_ms for s in summaries], marker="x", linestyle="--", label=f"{bot} p99"
        )
    axes.set_xlabel("interactions per second")
    axes.set_ylabel("dispatch to initial response (ms)")
    axes.set_title("Interaction latency on the local emulator")
    axes.legend()
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(RESULTS / "latency.png", dpi=100)


def plot_fanout(fan: fanout.FanOutResult) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    figure, axes = plt.subplots(figsize=(7, 3.5))
    axes.plot(range(len(fan.per_second)), fan.per_second, label="posts per second")
    axes.axhline(fanout.GLOBAL_LIMIT, color="grey", linestyle="--", label="global limit")
    axes.set_xlabel("seconds after the air time")
    axes.set_ylabel("announcements posted")
    axes.set_title(f"Fan-out to {fan.guilds:,} servers")
    axes.legend()
    axes.grid(alpha=0.3)
    figure.tight_layout()
    RESULTS.mkdir(parents=True, exist_ok=True)
    figure.savefig(RESULTS / "fanout.png", dpi=100)


async def main(quick: bool, only: set[str]) -> None:
    """Every benchmark, or (``only``) those named, whose figures replace theirs in the last
    report (the others stay, with the date each was measured)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    report: dict[str, Any] = {}
    if only and (RESULTS / "latest.json").exists():
        report = json.loads((RESULTS / "latest.json").read_text())
        sections = ("latency", "stalls", "fanout", "faults", "startup", "search", "trivia")
        earlier = {name: report.get("when", "?") for name in sections if name in report}
        report.setdefault("measured", earlier)
    report.update({"when": now, "python": platform.python_version(), "machine": platform.machine()})
    measured: dict[str, str] = report.setdefault("measured", {})
    lines: list[str] = []

    def want(name: str) -> bool:
        if only and name not in only:
            return False
        measured[name] = now
        return True

    if want("latency"):
        if quick:
            lat = await latency.run(sequential_count=30, rates=(50, 200), seconds=2, rounds=2)
        else:
            lat = await latency.run()
        report["latency"] = [asdict(r) for r in lat]
        lines += ["### Interaction latency (interleaved rounds)", "", *latency_table(lat), ""]
        show(lines, report)
        plot(lat)

    if want("stalls"):
        stall = await stalls.run(facts=20_000 if quick else 100_000, runs=4 if quick else 10)
        report["stalls"] = [asdict(r) for r in stall]
        lines += ["### Longest event-loop stall per command", "", *stall_table(stall), ""]
        show(lines, report)

    if want("fanout"):
        fan = await fanout.run(guilds=300 if quick else 10_000, lead_seconds=30 if quick else 90)
        report["fanout"] = asdict(fan)
        delays = sorted(fan.question_delays_s)
        worst = f"{delays[-1] * 1000:.0f} ms" if delays else "n/a"
        lines += [
            "### Announcement fan-out (global limit 50 requests/s), a trivia game elsewhere",
            "",
            "| servers | first post after air | last post | posts/s | share of limit |"
            " duplicates | misses | 429s | trivia questions posted | latest question after due |"
            " trivia failed | /fact search p50 | p99 | failed |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
            f"| {fan.guilds} | {fan.first_post_s * 1000:.0f} ms | {fan.last_post_s:.1f} s |"
            f" {fan.posts_per_second:.1f} | {fan.share_of_limit:.0%} | {fan.duplicates} |"
            f" {fan.misses} | {fan.rate_limited} | {len(delays)} | {worst} | {fan.trivia_failed} |"
            f" {_fmt(fan.interactions.p50_ms)} ms | {_fmt(fan.interactions.p99_ms)} ms |"
            f" {fan.interactions_failed} |",
            "",
        ]
        show(lines, report)
        plot_fanout(fan)

    if want("faults"):
        guilds = 60 if quick else 300
        kills = await faults.run_kills(guilds=guilds, kills=2 if quick else 3)
        storm = await faults.run_storm(guilds=guilds, storm_seconds=10 if quick else 40)
        report["faults"] = [asdict(kills), asdict(storm)]
        lines += [
            "### Exactly once under faults (global limit 50 requests/s)",
            "",
            "| scenario | servers | kills | duplicates | misses | 429s from the limit |"
            " refused by the fault | last post after air |",
            "|---|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {r.scenario} | {r.guilds} | {r.kills} | {r.duplicates} | {r.misses} |"
            f" {r.rate_limited} | {r.refused} | {r.last_post_s:.1f} s |"
            for r in (kills, storm)
        ]
        lines.append("")
        show(lines, report)

    if want("startup"):
        start = await memory.run((1, 100) if quick else (1, 1000, 10_000), pairs=2 if quick else 3)
        report["startup"] = [asdict(r) for r in start]
        lines += [
            "### Memory and start-up (baseline and ours alternately, A B A B ...)",
            "",
            "| servers | shards | ours | pairs | baseline RSS | ours RSS | RSS ratio (min-max) |"
            " baseline ready | ours ready | ready ratio (min-max) | failed |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        spread = memory.StartupComparison.spread
        for r in start:
            base_rss = spread([b.rss_mb for b in r.baseline])[0]
            base_ready = spread([b.ready_s for b in r.baseline])[0]
            kinds = (
                ("first start", r.first_start, r.first_rss_ratios, r.first_ready_ratios),
                ("restart", r.restart, r.restart_rss_ratios, r.restart_ready_ratios),
            )
            for kind, ours, rss_ratios, ready_ratios in kinds:
                rss, ready = spread(rss_ratios), spread(ready_ratios)
                our_rss = spread([b.rss_mb for b in ours])[0]
                our_ready = spread([b.ready_s for b in ours])[0]
                lines.append(
                    f"| {r.guilds} | {r.shards} | {kind} | {len(rss_ratios)} |"
                    f" {_fmt(base_rss, 0)} MB | {_fmt(our_rss, 0)} MB |"
                    f" {_fmt(rss[0])}x ({_fmt(rss[1])}-{_fmt(rss[2])}) |"
                    f" {_fmt(base_ready)} s | {_fmt(our_ready)} s |"
                    f" {_fmt(ready[0])}x ({_fmt(ready[1])}-{_fmt(ready[2])}) | {r.failed} |"
                )
        lines.append("")
        show(lines, report)

    if want("search"):
        found = await search.run(facts=20_000 if quick else 100_000, rounds=10 if quick else 30)
        report["search"] = asdict(found)
        lines += [
            "### Fact search (store side)",
            "",
            "| facts | p50 ms | p99 ms |",
            "|---|---|---|",
            f"| {found.facts} | {_fmt(found.summary.p50_ms)} | {_fmt(found.summary.p99_ms)} |",
            "",
        ]

    if want("trivia"):
        load = await trivia_load.run(
            games=20 if quick else 200, players=5, questions=2 if quick else 3
        )
        report["trivia"] = asdict(load)
        lines += [
            "### Trivia load",
            "",
            "| games | players each | start settled p50 | max | starts failed | clicks |"
            " click-to-ack p50 | p99 | lost answers | 429s |",
            "|---|---|---|---|---|---|---|---|---|---|",
            f"| {load.games} | {load.players} | {_fmt(load.starts.p50_ms)} ms |"
            f" {_fmt(load.starts.max_ms)} ms | {load.starts_failed} | {load.clicks} |"
            f" {_fmt(load.summary.p50_ms)} ms | {_fmt(load.summary.p99_ms)} ms | {load.lost} |"
            f" {load.rate_limited} |",
            "",
        ]
    show(lines, report)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller loads, for a smoke run")
    parser.add_argument(
        "--only",
        nargs="+",
        default=[],
        choices=["latency", "stalls", "fanout", "faults", "startup", "search", "trivia"],
        help="run these only, replacing their figures in bench/results/latest.json",
    )
    arguments = parser.parse_args()
    asyncio.run(main(arguments.quick, set(arguments.only)))
