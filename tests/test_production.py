"""The production set-up the README documents: check --deploy, gunicorn,
static files served by the app, one log line per request, /healthz."""

import json
import os
import re
import runpy
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def readme_production_env() -> dict[str, str]:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"### Production environment.*?```env\n(.*?)```", readme, re.S)
    assert block, "the README documents the production environment"
    pairs = (line.split("=", 1) for line in block.group(1).splitlines() if line)
    return dict(pairs)


def clean_env(**overrides) -> dict[str, str]:
    keep = {"PATH", "HOME", "LANG", "TMPDIR"}
    env = {name: value for name, value in os.environ.items() if name in keep}
    return env | overrides


def test_check_deploy_reports_nothing_with_the_documented_environment():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean_env(**readme_production_env()),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_without_the_https_settings():
    env = readme_production_env()
    del env["DJANGO_SECURE_HSTS_SECONDS"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr


def test_forged_forwarded_for_does_not_lift_the_rate_limit_in_production(
    api, db, settings, environment_settings
):
    """Behind the proxy the documented environment describes, a client that
    sends its own X-Forwarded-For is still counted by the address the proxy
    saw: 400 reads from one client meet the 300/minute limit, and another
    client behind the same proxy is not limited with it."""
    production = environment_settings(**readme_production_env())
    settings.REST_FRAMEWORK = production["REST_FRAMEWORK"]

    def via_proxy(client_address, forged=""):
        return api.get(
            "/api/v1/index/",
            REMOTE_ADDR="10.0.0.2",  # the proxy, which appends what it saw
            HTTP_X_FORWARDED_FOR=f"{forged}{client_address}",
        ).status_code

    codes = [
        via_proxy("203.0.113.9", forged=f"198.51.{n // 256}.{n % 256}, ")
        for n in range(400)
    ]
    assert codes.count(200) == 300
    assert codes[300:] == [429] * 100
    assert via_proxy("203.0.113.10") == 200


def get(url, **headers) -> tuple[int, bytes]:
    status, _, body = fetch(url, **headers)
    return status, body


def fetch(url, **headers) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def gunicorn(tmp_path):
    """The production server on a free loopback port, on its own database."""

    def start(database_url: str, migrate: bool = True, **extra_env: str):
        port = free_port()
        env = clean_env(
            DJANGO_SECRET_KEY="test-secret-key-for-a-production-like-run-0123456789",
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=database_url,
            HOST="127.0.0.1",
            PORT=str(port),
            WEB_CONCURRENCY="1",
            **extra_env,
        )
        if migrate:
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
                cwd=ROOT, env=env, check=True, timeout=300,
            )  # fmt: skip
        log = (tmp_path / "gunicorn.log").open("w+")
        server = subprocess.Popen(
            [str(GUNICORN), "-c", "glossary_api/gunicorn.py"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        servers.append((server, log))
        return base, log

    servers = []
    yield start
    for server, log in servers:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_gunicorn_serves_the_api_static_files_and_one_log_line_per_request(
    gunicorn, tmp_path
):
    base, log = gunicorn(f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    assert get(f"{base}/healthz")[0] == 200
    assert get(f"{base}/api/v1/index/")[0] == 200
    status, page = get(f"{base}/api/docs/")
    assert status == 200
    (script,) = re.findall(rb'src="(/static/[^"]+swagger-ui-bundle\.js)"', page)
    status, body = get(base + script.decode())
    assert status == 200
    assert len(body) > 100_000
    time.sleep(0.5)
    log.seek(0)
    requests = [line for line in log if '"GET /' in line]
    assert len(requests) == 4
    assert requests[1].split('"')[1] == "GET /api/v1/index/ HTTP/1.1"


def test_healthz_is_503_when_the_database_is_unreachable(gunicorn):
    base, _ = gunicorn("postgres://nobody@127.0.0.1:9/nowhere", migrate=False)
    status, body = get(f"{base}/healthz")
    assert status == 503
    assert b'"database": "unreachable"' in body


def test_the_api_answers_503_with_retry_after_when_the_database_is_unreachable(
    gunicorn,
):
    base, _ = gunicorn("postgres://nobody@127.0.0.1:9/nowhere", migrate=False)
    for path in ("/api/v1/index/", "/api/v1/terms/ai-alignment/"):
        status, headers, body = fetch(base + path)
        assert status == 503, body
        assert int(headers["Retry-After"]) > 0
        assert headers["Content-Type"] == "application/problem+json"
        assert "database" in json.loads(body)["detail"].lower()


def test_the_api_serves_and_healthz_says_degraded_while_redis_is_unreachable(
    gunicorn, tmp_path
):
    base, log = gunicorn(
        f"sqlite:///{tmp_path / 'prod.sqlite3'}", REDIS_URL="redis://127.0.0.1:1/0"
    )
    assert [get(f"{base}/api/v1/index/")[0] for _ in range(3)] == [200] * 3
    status, body = get(f"{base}/healthz")
    assert status == 200
    assert json.loads(body) == {
        "status": "degraded",
        "database": "ok",
        "cache": "unreachable",
    }
    time.sleep(0.5)
    log.seek(0)
    text = log.read()
    assert "Traceback" not in text
    assert text.count("rate limits are not enforced") == 1


def test_a_bad_host_is_a_400_problem_and_one_log_line_without_a_traceback(
    gunicorn, tmp_path
):
    base, log = gunicorn(f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    for _ in range(3):
        status, headers, body = fetch(f"{base}/api/v1/index/", Host="attacker.example")
        assert status == 400
        assert headers["Content-Type"] == "application/problem+json"
        assert "host" in json.loads(body)["detail"].lower()
    time.sleep(0.5)
    log.seek(0)
    lines = log.read().splitlines()
    assert not [line for line in lines if "Traceback" in line]
    # Per request: gunicorn's access line and Django's one line naming the host.
    assert len([line for line in lines if "attacker.example" in line]) == 3
    assert len([line for line in lines if '"GET /api/v1/index/' in line]) == 3


def test_gunicorn_lets_the_longest_request_line_it_can_through_to_the_app():
    config = runpy.run_path(str(ROOT / "glossary_api" / "gunicorn.py"))
    assert config["limit_request_line"] == 8190  # gunicorn's maximum


def test_a_long_address_is_a_414_problem_from_the_app_not_gunicorn_s_page(
    gunicorn, tmp_path
):
    base, _ = gunicorn(f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    status, headers, body = fetch(f"{base}/api/v1/terms/?search={'x' * 6000}")
    assert status == 414
    assert headers["Content-Type"] == "application/problem+json"
    assert "4096" in json.loads(body)["detail"]
