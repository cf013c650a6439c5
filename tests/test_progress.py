"""Long commands (generate_glossary, import_glossary, export_glossary,
loaddata) show how far they have got on standard error: a bar on a
terminal, a plain line now and then in a log. They end with a one-line
summary and the time taken; --quiet (or --verbosity 0) shows neither."""

import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from terms.progress import Lines
from tests.processes import database_url

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = str(settings.BASE_DIR / "fixtures" / "glossary.json")
TOOK = r"in \d+\.\d s"


class Terminal(StringIO):
    def isatty(self):
        return True


def run(*args, stderr=None, **options) -> tuple[str, str]:
    out, err = StringIO(), stderr or StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_a_terminal_shows_a_bar_and_the_summary_follows(db):
    out, err = run("generate_glossary", "--terms", "12", stderr=Terminal())
    assert "\r" in err
    assert re.search(r"Generating terms: 100%\|.*\| 12/12 \[", err)
    assert re.search(r"Linking terms: 100%\|.*\| 12/12 \[", err)
    assert "Building documents: 100%" in err
    assert re.fullmatch(rf"Generated 12 terms \(.*\), .* categories {TOOK}\.\n", out)


def test_without_a_terminal_progress_is_a_plain_line_now_and_then(db):
    out, err = run("import_glossary", FIXTURE, progress_interval=0)
    assert "\r" not in err
    lines = err.splitlines()
    # The file is read first (a count: its size is not known), then checked.
    assert lines[0].startswith("Reading: 1 objects")
    checking = [line for line in lines if line.startswith("Checking:")]
    assert "Checking: 1 of 177 records (0%)" in checking[0]
    last = r"Checking: 177 of 177 records \(100%\), [\d,]+ records/s"
    assert re.fullmatch(last, checking[176])
    assert re.fullmatch(rf"Checking: done, 177 of 177 records {TOOK}", checking[177])
    assert "Writing: 177 of 177 records (100%)" in err
    assert out.splitlines()[-1].startswith(
        "Imported 4 categories, 31 sources, 19 terms, 13 aliases, 45 citations "
        "and 65 see-also links in "
    )
    assert out.endswith(" (177 created, 0 updated, 0 unchanged).\n")


def test_a_quick_run_in_a_log_prints_only_its_summary(db):
    out, err = run("import_glossary", FIXTURE, "--dry-run")
    assert err == ""
    assert re.search(
        rf"\nChecked 4 categories, .* and 65 see-also links {TOOK} "
        r"\(177 to create, 0 to update, 0 unchanged\); nothing was written\.\n$",
        out,
    )


def test_lines_come_once_an_interval_has_passed():
    now = [0.0]
    stream = StringIO()
    with Lines(stream, interval=10, clock=lambda: now[0]).step("Loading", 100) as step:
        for _ in range(10):
            now[0] += 4
            step.advance(10)
    assert stream.getvalue().splitlines() == [
        "Loading: 30 of 100 records (30%), 2 records/s",
        "Loading: 60 of 100 records (60%), 2 records/s",
        "Loading: 90 of 100 records (90%), 2 records/s",
        "Loading: done, 100 of 100 records in 40.0 s",
    ]


def test_export_to_standard_output_keeps_it_for_the_data(seed):
    out, err = run("export_glossary", progress_interval=0)
    assert len(json.loads(out)) == 177
    assert "Exporting: 177 of 177 records (100%)" in err
    assert re.search(
        rf"\nExported 4 categories, .* see-also links to standard output {TOOK}\.\n$",
        err,
    )


def test_export_to_a_file_reports_on_standard_output(seed, tmp_path):
    out, err = run("export_glossary", str(tmp_path / "out.json"))
    assert err == ""
    path = re.escape(str(tmp_path / "out.json"))
    assert re.fullmatch(rf"Exported 4 categories, .* to {path} {TOOK}\.\n", out)


def test_loaddata_counts_what_it_loads_and_what_it_left_alone(db):
    out, err = run("loaddata", "glossary", progress_interval=0)
    assert "Loading: 177 objects" in err
    assert re.fullmatch(
        rf"Installed 177 of 177 objects from 1 fixture {TOOK} \(0 unchanged\)\.\n", out
    )
    out, _ = run("loaddata", "glossary")
    assert re.fullmatch(
        rf"Installed 0 of 177 objects from 1 fixture {TOOK} \(177 unchanged\)\.\n", out
    )


@pytest.mark.parametrize("quiet", [["--quiet"], ["-q"], ["--verbosity", "0"]])
@pytest.mark.parametrize(
    "command",
    [
        ["generate_glossary", "--terms", "5"],
        ["import_glossary", FIXTURE],
        ["import_glossary", FIXTURE, "--dry-run"],
        ["loaddata", "glossary"],
        ["export_glossary", "{tmp_path}/out.json"],
    ],
)
def test_quiet_shows_neither_progress_nor_summary(db, tmp_path, command, quiet):
    args = [arg.format(tmp_path=tmp_path) for arg in command]
    assert run(*args, *quiet, stderr=Terminal()) == ("", "")


def test_quiet_still_reports_errors(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_glossary", str(tmp_path / "missing.json"), "--quiet")
    with pytest.raises(CommandError, match="--progress-interval cannot be negative"):
        run("export_glossary", "--progress-interval", "-1")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_process_without_a_terminal_prints_lines():
    """The command on the command line, its standard error a pipe (as under
    cron), on the test's database: a dry run, which leaves it as it was."""
    result = subprocess.run(
        [
            *(sys.executable, "manage.py", "import_glossary", FIXTURE),
            *("--dry-run", "--progress-interval", "0"),
        ],
        cwd=ROOT,
        env=os.environ | {"DATABASE_URL": database_url(), "DJANGO_DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr
    assert "Checking: 100 of 177 records (56%)" in result.stderr
    assert result.stdout.splitlines()[-1].startswith("Checked 4 categories, ")
