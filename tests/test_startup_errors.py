"""What a deployer sees when the site cannot start: one line saying what to
set, not a traceback, from manage.py, gunicorn and pytest alike."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")
PYTEST = Path(sys.executable).with_name("pytest")
SUPPORTED = ("postgres://", "postgresql://", "sqlite://")


def environment(**values: str) -> dict[str, str]:
    """Only what a deployer set: none of this test run's own settings."""
    keep = {"PATH", "HOME", "LANG", "TMPDIR"}
    return {name: os.environ[name] for name in keep if name in os.environ} | values


def run(*command: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=ROOT, env=environment(**env), capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return run(sys.executable, "manage.py", *args, **env)


def assert_one_clear_line(result, *names: str) -> str:
    """The command failed with one `Error:` line naming what to set."""
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: ")
    for name in names:
        assert name in line
    return line


def test_production_without_a_secret_key_says_to_set_one():
    line = assert_one_clear_line(
        manage("check", DJANGO_DEBUG="false"), "DJANGO_SECRET_KEY"
    )
    assert "DJANGO_DEBUG=true" not in line  # DEBUG off was chosen: it is production


def test_neither_debug_nor_a_secret_key_says_to_set_one_of_them():
    assert_one_clear_line(manage("check"), "DJANGO_DEBUG=true", "DJANGO_SECRET_KEY")


def test_a_debug_that_is_not_true_or_false_says_so():
    assert_one_clear_line(manage("check", DJANGO_DEBUG="yes please"), "DJANGO_DEBUG")


def test_traceback_still_shows_the_traceback_when_asked_for():
    result = manage("check", "--traceback", DJANGO_DEBUG="false")
    assert "Traceback" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "url", ["postgress://postgres@127.0.0.1:5432/glossary", "127.0.0.1:5432/glossary"]
)
def test_a_database_url_without_a_known_scheme_names_the_supported_ones(url):
    line = assert_one_clear_line(
        manage("check", DJANGO_DEBUG="true", DATABASE_URL=url),
        "DATABASE_URL",
        *SUPPORTED,
    )
    assert "mysql" not in line
    assert "oracle" not in line


def test_a_database_url_that_does_not_parse_shows_how_to_write_one():
    assert_one_clear_line(
        manage(
            "check",
            DJANGO_DEBUG="true",
            DATABASE_URL="postgres://postgres@127.0.0.1:port/glossary",
        ),
        "DATABASE_URL=postgres://user:password@host:5432/name",
    )


def test_mysql_is_refused_as_unsupported_not_as_a_missing_driver():
    line = assert_one_clear_line(
        manage("check", DJANGO_DEBUG="true", DATABASE_URL="mysql://u@127.0.0.1/g"),
        "DATABASE_URL",
        "mysql://",
        *SUPPORTED,
    )
    assert "mysqlclient" not in line


def test_a_database_url_s_password_is_never_printed():
    result = manage(
        "check", DJANGO_DEBUG="true", DATABASE_URL="mysql://u:hunter2@127.0.0.1/g"
    )
    assert "hunter2" not in result.stdout + result.stderr


@pytest.fixture
def unreachable_postgres():
    """A DATABASE_URL naming a port where nothing listens, with a password."""
    port = free_port()
    return port, f"postgres://postgres:hunter2@127.0.0.1:{port}/glossary"


def assert_names_the_unreachable_database(output: str, port: int):
    assert f"Cannot connect to PostgreSQL at 127.0.0.1:{port} (DATABASE_URL)" in output
    assert "connection refused" in output
    assert "Traceback" not in output
    assert "hunter2" not in output


@pytest.mark.parametrize(
    "command",
    [
        ["check", "--database", "default"],
        ["migrate", "--no-input"],
        ["migrate", "--no-input", "--skip-checks"],
        ["loaddata", "glossary"],
        ["build_documents"],
    ],
    ids=" ".join,
)
def test_an_unreachable_database_is_named_with_its_host_and_port(
    unreachable_postgres, command
):
    port, url = unreachable_postgres
    result = manage(*command, DJANGO_DEBUG="true", DATABASE_URL=url)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert_names_the_unreachable_database(output, port)
    assert len(output.splitlines()) <= 8, output


def test_an_error_in_a_query_keeps_its_traceback(tmp_path):
    """A database that answers but was never migrated is not an address to
    fix: the error is shown as it is."""
    result = manage(
        "build_documents",
        DJANGO_DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    )
    assert result.returncode == 1
    assert "Traceback" in result.stderr
    assert "no such table" in result.stderr
    assert "Cannot connect" not in result.stderr


def test_runserver_names_an_unreachable_database_without_a_traceback(
    unreachable_postgres, tmp_path
):
    port, url = unreachable_postgres
    log = (tmp_path / "runserver.log").open("w+")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{free_port()}"],
        cwd=ROOT, env=environment(DJANGO_DEBUG="true", DATABASE_URL=url),
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(300):
            log.seek(0)
            if "Error:" in log.read() or server.poll() is not None:
                break
            time.sleep(0.1)
        time.sleep(0.5)  # anything it prints after
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the autoreloader and its child
        server.wait(timeout=30)
    log.seek(0)
    output = log.read()
    assert_names_the_unreachable_database(output, port)
    assert len(output.splitlines()) <= 8, output


def test_gunicorn_stops_with_one_line_when_the_settings_do_not_load():
    result = run(
        str(GUNICORN), "-c", "glossary_api/gunicorn.py",
        DJANGO_DEBUG="false", HOST="127.0.0.1", PORT=str(free_port()),
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if "Error" in line]
    assert len(errors) == 1
    assert errors[0].startswith("Error: ")
    assert "DJANGO_SECRET_KEY" in errors[0]
    assert "Booting worker" not in result.stderr


def test_gunicorn_s_master_checks_the_settings_without_keeping_them():
    """Workers import the app after they fork, so that a HUP after a deploy
    starts them on the new code: the master's check leaves nothing of the
    app, or of Django, imported."""
    check = (
        "import runpy, sys; "
        "runpy.run_path('glossary_api/gunicorn.py')['on_starting'](None); "
        "print(sorted(m for m in sys.modules if m.startswith(('django', 'glossary'))))"
    )
    result = run(sys.executable, "-c", check, DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_pytest_stops_with_one_line_when_the_settings_do_not_load():
    result = run(
        str(PYTEST), "-q", "tests/test_database.py", DATABASE_URL="postgress://x/y"
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert "DATABASE_URL" in output
    assert len(output.strip().splitlines()) <= 3, output


def test_pytest_stops_with_one_line_when_the_database_does_not_answer(
    unreachable_postgres,
):
    port, url = unreachable_postgres
    result = run(str(PYTEST), "-q", "tests/test_health.py", DATABASE_URL=url)
    assert result.returncode == 2
    output = result.stdout + result.stderr
    assert_names_the_unreachable_database(output, port)
    assert len(output.strip().splitlines()) <= 3, output


def test_the_quick_start_s_migrate_on_sqlite_warns_of_nothing(tmp_path):
    """A new site's first command says nothing a deployer must look into:
    the letter index's included column is PostgreSQL's, which SQLite's
    index does without (and Django warned of it on every migrate)."""
    database = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    result = manage("migrate", "--no-input", DJANGO_DEBUG="true", DATABASE_URL=database)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified" not in output, output
