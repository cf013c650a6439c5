"""`make bench`: the read endpoints' speed, as ratios to Django's own floor.

Builds a synthetic glossary in a fresh database (an SQLite file under
bench-results/, or the PostgreSQL database DATABASE_URL names), serves it
with gunicorn and the production settings on 127.0.0.1, and drives each
endpoint with wrk for a fixed time. Every endpoint's requests per second is
divided by a baseline measured in the same run: a constant JsonResponse
through the same server, middleware and settings (bench/urls.py). Results
go to bench-results/ as JSON and Markdown; the Markdown is also printed.
"""

import argparse
import functools
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: bench/ is sys.path[0]
    sys.path.insert(0, str(ROOT))

from bench import cursor_pages, report  # noqa: E402
from bench.database import Database, bench_database  # noqa: E402
from bench.server import Server, fetch  # noqa: E402

RESULTS = ROOT / "bench-results"
WRK_SCRIPT = Path(__file__).with_name("wrk.lua")
# Addresses an "uncached" row goes through: more than a run sends, and than
# the response cache holds (MAX_ENTRIES in settings.CACHES["responses"]).
UNCACHED = 5000
MODELS = [  # what an export holds, for loaddata
    "terms.category", "terms.source", "terms.term", "terms.alias",
    "terms.citation", "terms.seealso", "terms.oldslug",
]  # fmt: skip


@dataclass
class Endpoint:
    name: str
    paths: list[str]  # sent in turn; "path\tETag" sends If-None-Match
    status: int = 200
    paced: bool = False  # a steady moderate rate, for latency, not throughput
    result: dict = field(default_factory=dict)


def main() -> int:
    options = parse_arguments()
    if options.import_only:
        return import_only(options)
    if shutil.which("wrk") is None:
        print(
            "wrk, the load generator, is not installed. Install it with:\n"
            "    apt-get install wrk",
            file=sys.stderr,
        )
        return 2
    RESULTS.mkdir(exist_ok=True)
    database = (
        existing_database()
        if options.existing
        else bench_database(os.environ.get("DATABASE_URL"), RESULTS, options.terms)
    )
    env = server_environment(database)
    run = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "terms": options.terms,
        "seed": options.seed,
        "load": {
            "threads": options.threads,
            "connections": options.connections,
            "duration_s": options.duration,
            "warmup_s": options.warmup,
            "paced_rate": options.paced_rate,
            "workers": options.workers,
        },
        "machine": report.machine(database),
    }
    if not options.existing:
        step(f"Fresh {database.vendor} database: {database.name}")
        database.create()
    try:
        run["dataset"] = (
            {"existing": database.name} if options.existing else build(env, options)
        )
        with Server(ROOT, env, options.workers) as server:
            endpoints = plan(server.port)
            check(server.port, endpoints)
            server.memory.sample()
            run["workers_peak_before_rows_mb"] = server.memory.peak_mb()
            for endpoint in endpoints:
                endpoint.result = measure(server.port, endpoint, options)
                # Which rows raise the workers' peak: the largest so far.
                server.memory.sample()
                endpoint.result["workers_peak_mb"] = server.memory.peak_mb()
            memory = server.memory
        run["endpoints"] = [
            asdict(endpoint)
            | {"paths": endpoint.paths[:10], "count": len(endpoint.paths)}
            for endpoint in endpoints
        ]
        run["workers_max_rss_mb"] = [
            round(peak / 2**20, 1) for peak in memory.peaks.values()
        ]
        run["webhooks"] = (
            webhooks(env, options) if options.webhooks else {"skipped": "--no-webhooks"}
        )
        run["import"] = (
            import_comparison(env, database, options)
            if options.import_comparison
            else {"skipped": "--no-import"}
        )
    finally:
        if not (options.keep_db or options.existing):
            database.drop()
    report.score(run)
    return save("bench", database, options, run, report.markdown(run))


def import_only(options) -> int:
    """The import comparison alone, on an existing glossary."""
    RESULTS.mkdir(exist_ok=True)
    database = existing_database()
    run = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "terms": options.terms,
        "machine": report.machine(database),
        "import": import_comparison(server_environment(database), database, options),
    }
    return save("import", database, options, run, report.import_markdown(run))


def existing_database() -> Database:
    """The glossary DATABASE_URL names, kept from an earlier run (--keep-db)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit(
            "--existing and --import-only need DATABASE_URL naming a glossary."
        )
    if url.startswith("sqlite:///"):  # the file itself, not a new one
        return Database(url, "sqlite", url.removeprefix("sqlite:///"))
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"DATABASE_URL names no SQLite file or PostgreSQL: {url}")
    return bench_database(url, RESULTS, 0)


def save(kind: str, database: Database, options, run: dict, markdown: str) -> int:
    """Writes a run's numbers (JSON) and its table (Markdown) under RESULTS."""
    stem = RESULTS / (
        f"{kind}-{database.vendor}-{options.terms}-"
        f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}"
    )
    stem.with_suffix(".json").write_text(json.dumps(run, indent=2) + "\n")
    stem.with_suffix(".md").write_text(markdown)
    print("\n" + markdown)
    print(f"Results: {stem}.json and {stem}.md")
    return 0


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=12, help="seconds per run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds before each")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--paced-rate",
        type=int,
        default=50,
        help="requests/s of the latency runs of search and autocomplete",
    )
    parser.add_argument(
        "--no-import",
        dest="import_comparison",
        action="store_false",
        help="skip timing loaddata and import_glossary",
    )
    parser.add_argument(
        "--no-loaddata",
        dest="loaddata",
        action="store_false",
        help="in the import comparison, skip loaddata (hours at 100,000 terms)",
    )
    parser.add_argument(
        "--import-only",
        action="store_true",
        help="only the import comparison, on the glossary already in the "
        "database DATABASE_URL names (nothing generated, served or dropped)",
    )
    parser.add_argument(
        "--no-webhooks",
        dest="webhooks",
        action="store_false",
        help="skip the webhook rows (bench/webhooks.py)",
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="keep the database afterwards"
    )
    parser.add_argument(
        "--existing",
        action="store_true",
        help="measure the reads on the glossary already in the database "
        "DATABASE_URL names, as --keep-db left it (nothing generated or dropped); "
        "--terms must say its size",
    )
    options = parser.parse_args()
    if options.terms < 20 or options.duration < 1 or options.connections < 1:
        parser.error("need --terms >= 20, --duration >= 1 and --connections >= 1")
    return options


def step(message: str):
    print(f"== {message}", flush=True)


def server_environment(database: Database) -> dict[str, str]:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database.url,
        "LOG_LEVEL": "WARNING",
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback
        # One client at thousands of requests/s: the anonymous read throttle
        # still runs (its cache read and write are part of every read's cost)
        # but never refuses.
        "GLOSSARY_THROTTLE_ANON_READS": "100000/second",
        "PYTHONPATH": str(ROOT),
    }


def manage(env, *args: str, stdout=None) -> float:
    """Run a management command; its wall time in seconds."""
    return measured(env, *args, stdout=stdout)["s"]


def measured(env, *args: str, stdout=None) -> dict[str, float]:
    """Run a management command: its wall time in seconds ("s"), its CPU
    time ("cpu_s", user and system: on a shared machine it varies less than
    the wall time) and its peak resident memory in MB ("rss_mb": the
    kernel's high-water mark for the process, read as it is reaped)."""
    started = time.perf_counter()
    command = [sys.executable, "manage.py", *args]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=stdout)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = round(time.perf_counter() - started, 2)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return {
        "s": seconds,
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "rss_mb": round(usage.ru_maxrss / 1024, 1),  # kilobytes on Linux
    }


def build(env, options) -> dict:
    step("Migrating")
    migrate = manage(env, "migrate", "--no-input", "-v0")
    step(f"Generating {options.terms} terms (seed {options.seed})")
    generate = manage(
        env, "generate_glossary", "--terms", str(options.terms),
        "--seed", str(options.seed),
    )  # fmt: skip
    return {"migrate_s": migrate, "generate_s": generate}


def plan(port: int) -> list[Endpoint]:
    """The requests each endpoint is driven with, picked from the glossary.

    A few addresses in turn are served from the response cache after the
    warm-up, as popular pages are; "uncached" rows go through thousands of
    addresses, each once, so each request is rendered from the database.
    """
    index = fetch_json(port, "/api/v1/index/")
    terms = index_terms(port, index)
    picked = terms[:: max(1, len(terms) // 8)][:8]
    spread = terms[:: max(1, len(terms) // UNCACHED)][:UNCACHED]
    details = [f"/api/v1/terms/{term['slug']}/" for term in picked]
    pages = range(1, min(5, -(-index["count"] // 100)) + 1)  # all exist at 100
    every_page = range(1, min(UNCACHED, -(-index["count"] // 20)) + 1)
    letter_pages = [
        f"{urlsplit(letter['url']).path}?page_size=100&page={page}"
        for letter in index["letters"]
        for page in range(1, -(-letter["count"] // 100) + 1)
    ]
    words = [max(term["name"].split(), key=len) for term in picked[:4]]
    prefixes = [term["name"][:3] for term in picked[4:]]
    # What readers type: a term's name, or one word of it; 2 to 6 letters.
    queries = [
        term["name"] if n % 2 else max(term["name"].split(), key=len)
        for n, term in enumerate(spread)
    ]
    typed = [term["name"][: 2 + n % 5] for n, term in enumerate(spread)]
    etags = [fetch(port, path)[1]["ETag"] for path in details]
    search = "/api/v1/terms/?search={}".format
    suggest = "/api/v1/autocomplete/?q={}".format
    uncached_searches = [search(quote(q.lower())) for q in unique(queries)]
    uncached_suggestions = [suggest(quote(p.lower())) for p in unique(typed)]
    first_pages, last_pages = cursor_pages.first_and_last(port)
    return [
        Endpoint("baseline", ["/bench/baseline/"]),
        Endpoint("term detail", details),
        Endpoint(
            "term detail, uncached",
            [f"/api/v1/terms/{term['slug']}/" for term in spread],
        ),
        Endpoint("list, 20 per page", [f"/api/v1/terms/?page={n}" for n in pages]),
        Endpoint(
            "list, 100 per page",
            [f"/api/v1/terms/?page_size=100&page={n}" for n in pages],
        ),
        Endpoint(
            "list, 20 per page, uncached",
            [f"/api/v1/terms/?page={n}" for n in every_page],
        ),
        Endpoint("first cursor page", first_pages),
        Endpoint("last cursor page", last_pages),
        Endpoint("search", [search(quote(word.lower())) for word in words]),
        Endpoint("search, uncached", uncached_searches),
        Endpoint("autocomplete", [suggest(quote(p.lower())) for p in prefixes]),
        Endpoint("autocomplete, uncached", uncached_suggestions),
        Endpoint("A–Z index", ["/api/v1/index/"]),
        Endpoint(
            "index letters",
            [urlsplit(letter["url"]).path for letter in index["letters"]],
        ),
        Endpoint(
            "index letters, uncached",
            letter_pages[:: max(1, len(letter_pages) // UNCACHED)][:UNCACHED],
        ),
        Endpoint(
            "conditional GET (304)",
            [f"{path}\t{etag}" for path, etag in zip(details, etags, strict=True)],
            status=304,
        ),
        Endpoint("search, uncached, paced", uncached_searches, paced=True),
        Endpoint("autocomplete, uncached, paced", uncached_suggestions, paced=True),
        Endpoint("baseline, again", ["/bench/baseline/"]),
    ]


def fetch_json(port: int, path: str) -> dict:
    status, _, body = fetch(port, path)
    if status != 200:
        raise SystemExit(f"GET {path} answered {status}: {body[:300]!r}")
    return json.loads(body)


def index_terms(port: int, index: dict) -> list[dict]:
    """Every term in the index's order: from the index itself while it holds
    them (a small glossary), else from each letter's pages."""
    if index["inline"]:
        return [term for letter in index["letters"] for term in letter["terms"]]
    terms = []
    for letter in index["letters"]:
        path = f"{urlsplit(letter['url']).path}?pagination=cursor&page_size=1000"
        while path:
            page = fetch_json(port, path)
            terms += page["terms"]
            path = page["next"] and "?".join(urlsplit(page["next"])[2:4])
    return terms


def unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def check(port: int, endpoints: list[Endpoint]):
    """Each request answers as expected before anything is timed."""
    step("Checking every request answers as expected")
    failures, seen = [], set()
    for endpoint in endpoints:
        # Every address of the small rows, a sample of the "uncached" ones.
        for request in endpoint.paths[:: max(1, len(endpoint.paths) // 10)]:
            if request in seen:
                continue
            seen.add(request)
            path, _, etag = request.partition("\t")
            headers = {"If-None-Match": etag} if etag else {}
            status, _, body = fetch(port, path, headers)
            empty = endpoint.status == 200 and path.startswith(
                ("/api/v1/terms/?search", "/api/v1/autocomplete")
            ) and not (json.loads(body).get("results"))  # fmt: skip
            if status != endpoint.status or empty:
                failures.append(
                    f"{endpoint.name}: GET {path} answered {status}, expected "
                    f"{endpoint.status}{' with results' if empty else ''}: "
                    f"{body[:200]!r}"
                )
    if failures:
        raise SystemExit("Not benchmarking:\n" + "\n".join(failures))


def measure(port: int, endpoint: Endpoint, options) -> dict:
    """wrk on the endpoint after a warm-up, and on the baseline just before it,
    so that a machine shared with other work skews both alike."""
    step(f"{endpoint.name}: {options.warmup} s warm-up, {options.duration} s")
    if endpoint.paced:
        # Two connections, each waiting its turn: a steady rate, no queue.
        connections, delay = 2, round(2000 / options.paced_rate)
    else:
        connections, delay = options.connections, None
    load = functools.partial(
        wrk, port, threads=options.threads, connections=connections, delay_ms=delay
    )
    # The warm-up starts the turn half-way: the measured run, which starts at
    # the top, meets addresses it has not seen (uncached rows).
    load([f"offset={len(endpoint.paths) // 2}", *endpoint.paths], options.warmup)
    settle(port)
    baseline = None
    if not endpoint.paced and not endpoint.name.startswith("baseline"):
        baseline = load(["/bench/baseline/"], options.duration)["rps"]
        settle(port)
    idle_load = os.getloadavg()[0]  # ours is idle now: this is everyone else's
    result = load(endpoint.paths, options.duration)
    settle(port)
    if result["errors"]["status"]:
        raise SystemExit(
            f"{endpoint.name}: {result['errors']['status']} responses under load "
            f"were errors (not 2xx or 3xx); see the server's log above."
        )
    if not result["requests"]:
        print(f"   no request completed in {options.duration} s", file=sys.stderr)
    return result | {"baseline_rps": baseline, "load_before": idle_load}


def settle(port: int, timeout: float = 600):
    """Wait for the requests wrk left queued to drain: a sync worker still
    serves a request whose client has gone, and it would slow the next run."""
    deadline = time.monotonic() + timeout
    quick = 0
    while quick < 2:
        if time.monotonic() > deadline:
            print(
                f"   the server was still busy after {timeout:.0f} s", file=sys.stderr
            )
            return
        started = time.perf_counter()
        try:
            fetch(port, "/bench/baseline/")
        except TimeoutError:  # still queued behind slow requests
            quick = 0
            continue
        quick = quick + 1 if time.perf_counter() - started < 0.1 else 0


def wrk(port, paths, duration, *, threads, connections, delay_ms) -> dict:
    env = os.environ | ({"BENCH_DELAY_MS": str(delay_ms)} if delay_ms else {})
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s",
        "--timeout", "30s", "-s", str(WRK_SCRIPT), f"http://127.0.0.1:{port}",
        "--", *paths,
    ]  # fmt: skip
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, env=env,
        timeout=duration + 60,
    ).stdout  # fmt: skip
    line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
    result = json.loads(line.removeprefix("WRK_JSON "))
    requests = result["requests"]
    return result | {
        "rps": round(requests / (result["duration_us"] / 1e6), 1),
        # wrk reports percentiles of an empty histogram as 0: say "none".
        "p50_ms": round(result["p50_us"] / 1000, 2) if requests else None,
        "p99_ms": round(result["p99_us"] / 1000, 2) if requests else None,
        "kb_per_response": round(result["bytes"] / max(1, requests) / 1024, 1),
        "connections": connections,
        "delay_ms": delay_ms,
    }


def webhooks(env, options) -> dict:
    """Delivery throughput and write latency beside the worker."""
    step("Timing webhook deliveries and writes beside the outbox worker")
    writes = str(min(300, options.terms // 4))
    output = subprocess.run(
        [sys.executable, "bench/webhooks.py", "--writes", writes],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=1800,
    ).stdout  # fmt: skip
    line = next(line for line in output.splitlines() if line.startswith("WEBHOOKS_"))
    return json.loads(line.removeprefix("WEBHOOKS_JSON "))


def import_comparison(env, database: Database, options) -> dict:
    """Time loaddata of an export, and import_glossary of it when there is one."""

    def exists(command):
        return subprocess.run(
            [sys.executable, "manage.py", "help", command], cwd=ROOT, env=env,
            capture_output=True,
        ).returncode == 0  # fmt: skip

    export = RESULTS / f"export-{options.terms}.json"
    result = {"file": export.name}
    if exists("export_glossary"):
        step("Exporting with export_glossary")
        took = measured(env, "export_glossary", str(export))
        result |= {f"export_{name}": value for name, value in took.items()}
        result["exported_by"] = "export_glossary"
    else:
        step("No export_glossary command: exporting with dumpdata instead")
        result["export_s"] = manage(
            env, "dumpdata", *MODELS, "--natural-foreign", "--natural-primary",
            "--output", str(export), "-v0",
        )  # fmt: skip
        result["exported_by"] = "dumpdata (export_glossary does not exist yet)"
    result["file_mb"] = round(export.stat().st_size / 2**20, 1)
    target = database.sibling("import")
    target_env = env | {"DATABASE_URL": target.url}
    commands = {}
    if options.loaddata:
        commands["loaddata"] = ["loaddata", str(export), "-v0"]
    else:
        result["loaddata"] = "skipped: --no-loaddata"
    if exists("import_glossary"):
        commands["import_glossary"] = ["import_glossary", str(export)]
    else:
        result["import_glossary"] = "skipped: the command does not exist yet"
    try:
        for name, command in commands.items():
            target.create()
            manage(target_env, "migrate", "--no-input", "-v0")
            step(f"Timing {name} of {export.name} into an empty database")
            try:
                took = measured(target_env, *command)
                result |= {f"{name}_{key}": value for key, value in took.items()}
            except subprocess.CalledProcessError as error:
                result[f"{name}_s"] = None
                result[name] = f"failed with exit status {error.returncode}"
    finally:
        target.drop()
        export.unlink(missing_ok=True)
    return result


if __name__ == "__main__":
    sys.exit(main())
