"""Names and slugs that look like another term's, or hide characters, are
refused: in the admin, the API and the import alike."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from terms.models import Alias, Term
from tests.problems import messages

HIDDEN = {
    "zero-width space": "AI\u200balignment",
    "right-to-left override": "AI \u202ealignment",
    "ANSI escape": "\x1b[31mAI alignment",
}
LOOKALIKES = {
    "Cyrillic А": "АI alignment",
    "full-width letters": "ＡＩ alignment",
    "other case": "ai ALIGNMENT",
}


def create(tool, **fields):
    body = {"name": "New term", "slug": "new-term", "status": "draft"} | fields
    return tool.post("/api/v1/terms/", body, format="json")


@pytest.mark.parametrize("name", HIDDEN.values(), ids=HIDDEN.keys())
def test_names_with_hidden_characters_are_refused(tool, name):
    response = create(tool, name=name)
    assert response.status_code == 400
    assert "invisible or control characters (U+" in messages(response)["name"][0]
    assert not Term.objects.exists()


@pytest.mark.parametrize("name", HIDDEN.values(), ids=HIDDEN.keys())
def test_aliases_with_hidden_characters_are_refused(tool, name):
    response = create(tool, aliases=[{"name": name, "kind": "synonym"}])
    assert response.status_code == 400
    assert "invisible or control characters" in json.dumps(messages(response))
    assert not Alias.objects.exists()


@pytest.mark.parametrize("name", LOOKALIKES.values(), ids=LOOKALIKES.keys())
def test_a_name_that_reads_like_another_terms_is_refused(seed, tool, name):
    response = create(tool, name=name)
    assert response.status_code == 400
    message = messages(response)["name"][0]
    assert "AI alignment" in message or "already exists" in message
    assert not Term.objects.filter(slug="new-term").exists()


def test_a_lookalike_message_names_the_existing_term(seed, tool):
    message = messages(create(tool, name="АI alignment"))["name"][0]
    assert message.startswith("“АI alignment” looks like the existing term")
    assert "“AI alignment”" in message


def test_the_admin_refuses_a_lookalike_name(seed, editor_client):
    response = editor_client.post(
        "/admin/terms/term/add/",
        {
            "name": "АI alignment",
            "slug": "ai-alignment-2",
            "status": "draft",
            **{
                f"{prefix}-{count}": 0
                for prefix in ("aliases", "citations", "see_also_links", "old_slugs")
                for count in ("TOTAL_FORMS", "INITIAL_FORMS")
            },
        },
    )
    assert response.status_code == 200
    assert "looks like the existing term" in response.content.decode()
    assert not Term.objects.filter(slug="ai-alignment-2").exists()


def test_slugs_are_unique_whatever_their_case(seed, tool):
    response = create(tool, name="Alignment of AI", slug="AI-Alignment")
    assert response.status_code == 400
    assert "slug" in messages(response)
    assert not Term.objects.filter(name="Alignment of AI").exists()


def test_the_import_refuses_lookalike_names_and_slugs(seed, tmp_path):
    objects = [
        {"model": "terms.term", "fields": {"name": "АI alignment", "slug": "x"}},
        {"model": "terms.term", "fields": {"name": "Other", "slug": "AI-Alignment"}},
    ]
    path = tmp_path / "lookalikes.json"
    path.write_text(json.dumps(objects), encoding="utf-8")
    with pytest.raises(CommandError) as failure:
        call_command("import_glossary", str(path), stdout=StringIO())
    message = str(failure.value)
    assert "looks like the existing term “AI alignment”" in message
    assert "Another term has this slug in another case." in message
    assert not Term.objects.filter(slug__in=["x", "AI-Alignment"]).exists()


def test_distinct_names_are_still_accepted(seed, tool):
    assert create(tool, name="AI alignment tax").status_code == 201
    assert create(tool, name="Café", slug="cafe").status_code == 201


def test_digits_are_not_read_as_letters(seed, tool):
    assert create(tool, name="Web 2.0", slug="web-2-0").status_code == 201
    assert create(tool, name="Web 2.O", slug="web-2-o").status_code == 201
