"""What a benchmark run records: the machine, the targets met, a Markdown table."""

import os
import platform
import subprocess
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent

# Throughput as a ratio to the baseline (issue 6's, at 10,000 terms on
# PostgreSQL; issue 15 raised the repeat reads to what they reached and added
# the uncached rows, whose detail target is 0.4 at 100,000 terms; issue 12
# the index's letter pages, like the index, and the cursor walk's first and
# last pages, like the uncached list), and p99
# latency at a steady rate (100,000 terms, on PostgreSQL).
RATIO_TARGETS = {
    "term detail": 0.85,
    "term detail, uncached": 0.5,
    "list, 20 per page": 0.85,
    "list, 100 per page": 0.85,
    "list, 20 per page, uncached": 0.3,
    "conditional GET (304)": 0.9,
    "A–Z index": 0.3,
    "index letters": 0.3,
    "first cursor page": 0.3,
    "last cursor page": 0.3,
}
# The last page of a cursor walk costs what the first does (issue 12): its
# ratio to the baseline at least this share of the first page's.
CURSOR_DEPTH_TARGET = 0.8
# Targets that differ at 100,000 terms or more.
LARGE = 100_000
LARGE_RATIO_TARGETS = {"term detail, uncached": 0.4}
P99_TARGETS_MS = {"search, uncached, paced": 50, "autocomplete, uncached, paced": 20}
WORKER_RSS_TARGET_MB = 200
# Issue 12's fifth item: export and import hold a batch, not the glossary.
COMMAND_RSS_TARGET_MB = 200


def machine(database) -> dict:
    return {
        "cpu": _cpuinfo("model name") or platform.processor(),
        "cores": os.cpu_count(),
        "memory_gb": round(_meminfo("MemTotal") / 2**30, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.__version__,
        "database": f"{database.vendor} {database.version()}",
        "wrk": " ".join(_first_line(["wrk", "--version"]).split()[:2]),
        "commit": _commit(),
    }


def score(run: dict):
    """Add each endpoint's ratio to the baseline, its target and the verdicts."""
    targets = RATIO_TARGETS
    if run["terms"] >= LARGE:
        targets = targets | LARGE_RATIO_TARGETS
    for endpoint in run["endpoints"]:
        result = endpoint["result"]
        if result["baseline_rps"]:
            result["ratio"] = round(result["rps"] / result["baseline_rps"], 3)
        if (target := targets.get(endpoint["name"])) is not None:
            endpoint["target"] = f"ratio ≥ {target}"
            endpoint["met"] = result["ratio"] >= target
        elif (target := P99_TARGETS_MS.get(endpoint["name"])) is not None:
            endpoint["target"] = f"p99 < {target} ms"
            endpoint["met"] = result["p99_ms"] is not None and (
                result["p99_ms"] < target
            )
    # Each as a ratio to its own baseline: the two rows run a minute apart.
    ratios = {e["name"]: e["result"].get("ratio") for e in run["endpoints"]}
    if ratios.get("first cursor page") and ratios.get("last cursor page") is not None:
        depth = round(ratios["last cursor page"] / ratios["first cursor page"], 3)
        run["cursor_depth"] = {"ratio": depth, "met": depth >= CURSOR_DEPTH_TARGET}
    run["workers_met"] = max(run["workers_max_rss_mb"]) < WORKER_RSS_TARGET_MB
    run["busiest_idle_load"] = max(
        endpoint["result"]["load_before"] for endpoint in run["endpoints"]
    )


def markdown(run: dict) -> str:
    load, box = run["load"], run["machine"]
    lines = [
        f"### {run['terms']:,} terms on {box['database']} ({run['started']})",
        "",
        f"{box['cpu']}, {box['cores']} cores, {box['memory_gb']} GB; "
        f"Python {box['python']}, Django {box['django']}, {box['wrk']}; "
        f"commit {box['commit']}. gunicorn with {load['workers']} sync workers; "
        f"wrk -t{load['threads']} -c{load['connections']}, "
        f"{load['warmup_s']} s warm-up then {load['duration_s']} s per endpoint; "
        f"paced runs: 2 connections at about {load['paced_rate']} requests/s. "
        f"Dataset: {dataset(run['dataset'])}.",
        "",
        "| endpoint | req/s | p50 ms | p99 ms | KiB | baseline req/s "
        "| ratio | target | met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for endpoint in run["endpoints"]:
        result = endpoint["result"]
        met = {True: "yes", False: "**no**"}.get(endpoint.get("met"), "")
        lines.append(
            f"| {endpoint['name']} | {_rps(result['rps'])} | {_ms(result['p50_ms'])} "
            f"| {_ms(result['p99_ms'])} | {result['kb_per_response']} "
            f"| {_rps(result['baseline_rps']) if result['baseline_rps'] else ''} "
            f"| {result.get('ratio', '')} | {endpoint.get('target', '')} | {met} |"
        )
    rss = ", ".join(f"{mb} MB" for mb in run["workers_max_rss_mb"])
    busy = " (other work was running)" if run["busiest_idle_load"] > 1 else ""
    lines += [
        "",
        "Each ratio divides the endpoint's requests/s by the baseline's, measured "
        "just before it. Paced rows send about the stated rate: their latency is "
        "the service time without queueing. KiB: average response body.",
        "",
        *_cursor_depth_lines(run.get("cursor_depth")),
        f"Workers' peak RSS: {rss} (target < {WORKER_RSS_TARGET_MB} MB: "
        f"{'met' if run['workers_met'] else '**missed**'}){_peak_rises(run)}. "
        "Highest 1-minute load "
        f"average while our server was idle, before a run: "
        f"{run['busiest_idle_load']:.1f} on {box['cores']} cores{busy}.",
        "",
        f"Import: {_import_line(run['import'])}",
        "",
        *_command_rows(run["import"]),
        f"Webhooks: {_webhooks_line(run.get('webhooks', {'skipped': 'not run'}))}",
        "",
    ]
    return "\n".join(lines)


def import_markdown(run: dict) -> str:
    """The import comparison on its own (bench/run.py --import-only)."""
    box = run["machine"]
    return "\n".join(
        [
            f"### Export and import, {run['terms']:,} terms on {box['database']} "
            f"({run['started']})",
            "",
            f"{box['cpu']}, {box['cores']} cores, {box['memory_gb']} GB; "
            f"Python {box['python']}, Django {box['django']}; commit "
            f"{box['commit']}.",
            "",
            f"Import: {_import_line(run['import'])}",
            "",
            *_command_rows(run["import"]),
        ]
    )


def _command_rows(result: dict) -> list[str]:
    """Each command's wall time and peak RSS, against the RSS target."""
    if "skipped" in result:
        return []
    rows = [
        ("export RSS", "export_glossary", "export"),
        ("import RSS", "import_glossary", "import_glossary"),
        ("loaddata RSS", "loaddata", "loaddata"),
    ]
    lines = [
        "| row | command | wall s | CPU s | peak RSS MB | target | met |",
        "| --- | --- | ---: | ---: | ---: | --- | --- |",
    ]
    for row, command, name in rows:
        rss = result.get(f"{name}_rss_mb")
        if rss is None:
            continue
        target = met = ""
        if row != "loaddata RSS":
            target = f"< {COMMAND_RSS_TARGET_MB} MB"
            met = "yes" if rss < COMMAND_RSS_TARGET_MB else "**no**"
        seconds, cpu = result.get(f"{name}_s"), result.get(f"{name}_cpu_s")
        lines.append(
            f"| {row} | {command} | {seconds} | {cpu} | {rss} | {target} | {met} |"
        )
    return [*lines, ""] if len(lines) > 2 else []


def _cursor_depth_lines(depth: dict | None) -> list[str]:
    if depth is None:
        return []
    verdict = "met" if depth["met"] else "**missed**"
    return [
        f"Last cursor page / first cursor page, ratios to the baseline: "
        f"{depth['ratio']} "
        f"(target ≥ {CURSOR_DEPTH_TARGET}: {verdict}).",
        "",
    ]


def _webhooks_line(result: dict) -> str:
    if "skipped" in result:
        return f"skipped ({result['skipped']})."
    alone, beside = result["write_alone"], result["write_beside_worker"]
    return (
        f"{result['deliveries_per_s']} deliveries/s to a local receiver "
        f"({result['deliveries']} in {result['delivery_seconds']} s). A term's "
        f"save(), {result['writes']} times: p50 {alone['p50_ms']} ms, p99 "
        f"{alone['p99_ms']} ms with no endpoint and no worker; p50 "
        f"{beside['p50_ms']} ms, p99 {beside['p99_ms']} ms with an endpoint and "
        "the worker sending beside it."
    )


def _import_line(result: dict) -> str:
    if "skipped" in result:
        return f"skipped ({result['skipped']})."
    line = (
        f"{result['file_mb']} MB exported by {result['exported_by']} in "
        f"{result['export_s']} s; loaddata {_seconds(result, 'loaddata')}"
    )
    if "import_glossary_s" in result:
        line += f", import_glossary {_seconds(result, 'import_glossary')}"
        if result["import_glossary_s"] and result.get("loaddata_s"):
            ratio = result["import_glossary_s"] / result["loaddata_s"]
            verdict = "met" if ratio <= 2 else "**missed**"
            line += f" ({ratio:.2f}× loaddata; target ≤ 2×: {verdict})"
    else:
        line += f"; import_glossary {result['import_glossary']}"
    return line + "."


def _rps(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _ms(value: float | None) -> str:
    return "none completed" if value is None else f"{value:.1f}"


def _seconds(result: dict, name: str) -> str:
    seconds = result.get(f"{name}_s")
    return f"{seconds} s" if seconds is not None else result.get(name, "failed")


def _cpuinfo(name: str) -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith(name):
            return line.partition(":")[2].strip()
    return ""


def _meminfo(name: str) -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return int(line.split()[1]) * 1024
    return 0


def _first_line(command: list[str]) -> str:
    output = subprocess.run(command, capture_output=True, text=True)
    return (output.stdout or output.stderr).splitlines()[0].strip()


def _commit() -> str:
    """HEAD's commit, read from .git without running git."""
    git = ROOT / ".git"
    try:
        if git.is_file():  # a worktree: .git names its own git directory
            git = (ROOT / git.read_text().partition("gitdir:")[2].strip()).resolve()
        refs = git  # a worktree keeps its HEAD, the main directory the refs
        if (git / "commondir").exists():
            refs = (git / (git / "commondir").read_text().strip()).resolve()
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head[:12]
        ref = head.removeprefix("ref: ")
        if (refs / ref).exists():
            return (refs / ref).read_text().strip()[:12]
        for line in (refs / "packed-refs").read_text().splitlines():
            if line.endswith(f" {ref}"):
                return line.split()[0][:12]
    except OSError:
        pass
    return "unknown"


def dataset(made: dict) -> str:
    if "existing" in made:
        return f"the glossary already in {made['existing']} (--existing)"
    return f"migrate {made['migrate_s']} s, generate {made['generate_s']} s"


def _peak_rises(run: dict) -> str:
    """The rows after which the largest worker's peak had grown, and to what."""
    rises, last = [], 0.0
    if before := run.get("workers_peak_before_rows_mb"):
        # Picking the addresses walks the list to its end, page by page.
        rises, last = [f"(finding the addresses) {before}"], before
    for endpoint in run["endpoints"]:
        peak = endpoint["result"].get("workers_peak_mb", 0.0)
        if peak > last + 1:
            rises.append(f"{endpoint['name']} {peak}")
        last = max(last, peak)
    return f"; the peak rose in the rows: {', '.join(rises)}" if rises else ""
