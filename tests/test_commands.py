"""What every project command shares, as a deployer meets it on the command
line: options spelled in full, and one clear line for an error."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import (
    CommandError,
    call_command,
    get_commands,
    load_command_class,
)

ROOT = Path(__file__).resolve().parents[1]


def manage(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """manage.py in a process of its own, on a database of its own (these
    commands stop before they read it)."""
    env = os.environ | {
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "abbreviation"),
    [
        (["generate_glossary", "--term", "50"], "--term"),
        (["import_glossary", "fixtures/glossary.json", "--dry"], "--dry"),
        (["export_glossary", "--with-review"], "--with-review"),
        # Django's own options, on a project command.
        (["build_documents", "--verb", "0"], "--verb"),
    ],
)
def test_abbreviated_options_are_refused(args, abbreviation, tmp_path):
    result = manage(*args, tmp_path=tmp_path)
    assert result.returncode == 2, result.stderr
    assert f"unrecognized arguments: {abbreviation}" in result.stderr
    assert result.stdout == ""


def test_every_project_command_refuses_abbreviations():
    for name, app in get_commands().items():
        if app != "terms":
            continue
        parser = load_command_class(app, name).create_parser("manage.py", name)
        assert parser.allow_abbrev is False, name
    with pytest.raises(CommandError, match="unrecognized arguments: --term"):
        call_command("generate_glossary", "--term", "5")


def test_a_url_is_reported_once_as_a_file_that_cannot_be_read(tmp_path):
    url = "http://127.0.0.1:9/x.json"
    result = manage("import_glossary", url, tmp_path=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.count("127.0.0.1") == 1, result.stderr
    assert result.stderr.startswith(f"CommandError: Cannot read {url}: ")
    assert "not a URL" in result.stderr


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda path: None, "No such file or directory"),
        (lambda path: path.mkdir(), "Is a directory"),
        (lambda path: path.write_bytes(b"\x89PNG\r\n"), "not UTF-8 text"),
    ],
)
def test_a_file_that_cannot_be_read_is_named_once(tmp_path, make, reason):
    path = tmp_path / "glossary.json"
    make(path)
    with pytest.raises(CommandError) as refused:
        call_command("import_glossary", str(path), stdout=StringIO())
    message = str(refused.value)
    assert message.startswith(f"Cannot read {path}: {reason}")
    assert message.count("glossary.json") == 1
    assert "\n" not in message
