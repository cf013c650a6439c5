import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from terms.models import Term


def run(*args) -> str:
    out = StringIO()
    call_command("review_report", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def workload(make_term):
    today = timezone.localdate()
    make_term("Stale", last_reviewed=today - timedelta(days=400))
    make_term("Unreviewed")
    make_term("Fresh", last_reviewed=today)
    make_term("Stale draft", status="draft", last_reviewed=today - timedelta(days=400))


def test_table_lists_overdue_and_never_reviewed_published_terms(workload):
    table = run()
    assert "Stale (stale)" in table
    assert "Unreviewed (unreviewed)" in table
    assert "Fresh" not in table
    assert "draft" not in table
    assert table.splitlines()[0].split() == [
        "review",
        "due",
        "state",
        "last",
        "reviewed",
        "term",
    ]


def test_json_format(workload):
    rows = json.loads(run("--format", "json"))
    assert [(row["slug"], row["state"]) for row in rows] == [
        ("stale", "overdue"),
        ("unreviewed", "never_reviewed"),
    ]
    assert rows[0]["last_reviewed"] is not None


def test_fail_if_overdue_exits_non_zero_only_when_something_is_overdue(
    workload, make_term
):
    with pytest.raises(CommandError, match="1 published term"):
        run("--fail-if-overdue")
    Term.objects.filter(slug="stale").mark_reviewed(None)
    assert "Unreviewed" in run("--fail-if-overdue")


def test_an_empty_report_says_so(db):
    assert run() == "No published term is overdue or never reviewed.\n"
