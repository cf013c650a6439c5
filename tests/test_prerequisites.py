"""`make test` on a machine with only Python and make: the tests that need
Redis or chromium are skipped, and the run says why and how many; CI, which
has both, fails instead of skipping them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTEST = Path(sys.executable).with_name("pytest")
# One test that needs Redis, two that drive chromium.
NEEDING_BOTH = [
    "tests/test_throttling.py::test_counters_are_shared_through_redis",
    "tests/test_browser_admin.py::test_editor_edits_cites_reorders_and_reviews_a_term",
    "tests/test_browser_admin.py::test_second_of_two_concurrent_saves_is_refused",
]
NEITHER = {
    "TEST_REDIS_URL": "redis://127.0.0.1:1/15",  # nothing listens on port 1
    "TEST_CHROMIUM": "/nonexistent/chromium",
}


# The generated TypeScript client's test, which needs node.
NEEDING_NODE = (
    "tests/test_clients.py::"
    "test_a_typescript_client_of_the_live_schema_type_checks_and_reads_what_it_says"
)


def run_tests(*tests: str, **env: str) -> subprocess.CompletedProcess:
    keep = {"PATH", "HOME", "LANG", "TMPDIR"}
    base = {name: os.environ[name] for name in keep if name in os.environ}
    return subprocess.run(
        [str(PYTEST), "-q", *(tests or NEEDING_BOTH)], cwd=ROOT,
        env=base | NEITHER | env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_without_redis_or_chromium_their_tests_are_skipped_with_reason_and_count():
    result = run_tests()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 skipped" in result.stdout
    assert (
        "Skipped 1 test: Redis is not reachable at redis://127.0.0.1:1/15 "
        "(start redis-server, or set TEST_REDIS_URL)"
    ) in result.stdout
    assert (
        "Skipped 2 tests: /nonexistent/chromium is missing "
        "(run `sudo .ci/install-browser`, or set TEST_CHROMIUM)"
    ) in result.stdout


def test_ci_fails_rather_than_skip_what_it_requires():
    result = run_tests(GLOSSARY_TEST_REQUIRE="redis,browser")
    assert result.returncode == 1
    assert "3 errors" in result.stdout
    assert "skipped" not in result.stdout.lower()
    assert "Redis is not reachable at redis://127.0.0.1:1/15" in result.stdout
    assert "required by GLOSSARY_TEST_REQUIRE" in result.stdout


def test_a_ci_environment_requires_everything():
    result = run_tests(CI="true")
    assert result.returncode == 1
    assert "3 errors" in result.stdout


def test_an_unknown_requirement_is_refused():
    result = run_tests(GLOSSARY_TEST_REQUIRE="redis,browsr")
    assert result.returncode != 0
    assert "browsr" in result.stdout + result.stderr
    assert "passed" not in result.stdout


def test_without_node_the_typescript_client_is_skipped_and_ci_fails_it():
    without_node = {"PATH": "/nonexistent"}  # pytest is started by its path
    skipped = run_tests(NEEDING_NODE, **without_node)
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert (
        "Skipped 1 test: Node.js is missing (install node 20+ and npm, "
        "then `npm ci --prefix tests/clients/typescript`)"
    ) in skipped.stdout
    failed = run_tests(NEEDING_NODE, GLOSSARY_TEST_REQUIRE="node", **without_node)
    assert failed.returncode == 1
    assert "1 error" in failed.stdout
    assert "required by GLOSSARY_TEST_REQUIRE" in failed.stdout
