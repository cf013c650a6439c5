"""What some tests need beyond Python and make: a Redis server (tests marked
`redis`), Debian's chromium (marked `browser`) and Node.js with the
TypeScript client's packages (marked `node`). Where one is missing its
tests are skipped, and the run's summary says why and how many
(tests/conftest.py); CI has both and requires them (GLOSSARY_TEST_REQUIRE,
or CI=true), so there a missing one fails its tests instead."""

import functools
import os
import shutil
from pathlib import Path

import pytest
import redis

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHROMIUM = Path(os.environ.get("TEST_CHROMIUM", "/usr/bin/chromium"))
NODE_PACKAGES = Path(__file__).resolve().parent / "clients" / "typescript"


def redis_missing() -> str | None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return (
            f"Redis is not reachable at {REDIS_URL} "
            "(start redis-server, or set TEST_REDIS_URL)"
        )
    return None


def chromium_missing() -> str | None:
    if CHROMIUM.exists():
        return None
    return (
        f"{CHROMIUM} is missing (run `sudo .ci/install-browser`, or set TEST_CHROMIUM)"
    )


def node_missing() -> str | None:
    install = "npm ci --prefix tests/clients/typescript"
    if not shutil.which("node"):
        return f"Node.js is missing (install node 20+ and npm, then `{install}`)"
    if not (NODE_PACKAGES / "node_modules" / ".package-lock.json").exists():
        return f"the TypeScript client's packages are not installed (`{install}`)"
    return None


CHECKS = {"redis": redis_missing, "browser": chromium_missing, "node": node_missing}


@functools.cache
def missing(name: str) -> str | None:
    """Why the tests marked `name` cannot run here, or None if they can."""
    return CHECKS[name]()


@functools.cache
def required() -> frozenset[str]:
    names = {
        name.strip()
        for name in os.environ.get("GLOSSARY_TEST_REQUIRE", "").split(",")
        if name.strip()
    }
    if unknown := names - CHECKS.keys():
        raise pytest.UsageError(
            f"GLOSSARY_TEST_REQUIRE names {', '.join(sorted(unknown))}: "
            f"it takes {', '.join(CHECKS)}, comma-separated."
        )
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        names |= CHECKS.keys()
    return frozenset(names)
