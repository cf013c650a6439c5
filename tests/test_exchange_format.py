"""The export's bytes, pinned: files written before the export streamed (and
any written since) are the same bytes for the same content, and import
into an empty database gives them back."""

import json
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from terms.exchange import MODELS
from terms.models import Alias, Category, Citation, SeeAlso, Source, Term

# export_glossary's output for glossary() below, as written by the export
# that built the whole file in memory (main at 575d8b2).
GOLDEN = Path(__file__).parent / "data" / "export-golden.json"
STAMP = datetime(2026, 6, 1, 12, 30, 15, 123456, tzinfo=UTC)


def export() -> str:
    out = StringIO()
    call_command("export_glossary", stdout=out, verbosity=0)
    return out.getvalue()


def glossary():
    """A glossary the same on any database and any day: a small generated
    one, the seed fixture, and names and keys that databases collate in
    different orders (case, accents, punctuation, astral characters)."""
    call_command("generate_glossary", "--terms", "40", "--seed", "1", "--quiet")
    call_command("loaddata", "glossary", verbosity=0)
    sorts = Category.objects.create(name="Ärger & sorting", slug="a-sorting")
    sources = [
        Source.objects.create(
            key=key,
            title=f"Paper {key}",
            authors="Ødegaard, Z. and van Dijk, a.",
            year=2021,
            url=f"https://example.org/{key}",
        )
        for key in ["Key-B", "key-a", "key_c", "key-a2"]
    ]
    names = ["Zebra term", "apple term", "Éclair term", "_under term", "a-b term"]
    slugs = ["zebra", "apple", "eclair", "a_b", "a-b"]
    terms = []
    for position, (name, slug) in enumerate(zip(names, slugs, strict=True)):
        term = Term.objects.create(
            name=name,
            slug=slug,
            summary=f"Summary of {name}, with “quotes” and a\ttab.",
            definition=f"The *definition* of {name}.\n\nA second paragraph: 🙂.",
            status=Term.Status.PUBLISHED,
            category=sorts,
        )
        for number, source in enumerate(sources[position % 2 :: 2], start=1):
            Citation.objects.create(term=term, source=source, position=number)
        terms.append(term)
    for alias, term in zip(["zz", "ZZ", "Zz 🙂", "éa", "Ea"], terms, strict=True):
        Alias.objects.create(term=term, name=alias)
    for term in terms:
        for position, target in enumerate(terms[::-1], start=1):
            if target != term:
                SeeAlso.objects.create(term=term, target=target, position=position)
    for model in MODELS:
        stamps = {
            name: STAMP
            for name in ("created_at", "updated_at")
            if any(f.name == name for f in model._meta.concrete_fields)
        }
        if stamps:
            model._base_manager.update(**stamps)


@pytest.mark.django_db
def test_the_export_is_the_same_bytes_as_before_it_streamed():
    glossary()
    text = export()
    assert text == GOLDEN.read_text(encoding="utf-8")


@pytest.mark.django_db
def test_an_exported_glossary_imports_into_an_empty_database_as_the_same_bytes(
    tmp_path,
):
    glossary()
    text = export()
    for model in reversed(MODELS):
        model._base_manager.all().delete()
    assert json.loads(export()) == []
    path = tmp_path / "glossary.json"
    path.write_text(text, encoding="utf-8")
    call_command("import_glossary", str(path), verbosity=0)
    assert export() == text


@pytest.mark.django_db
def test_records_may_come_in_any_order(tmp_path):
    """A see-also before the terms it links, a citation before its source:
    the references resolve wherever in the file their targets are."""
    glossary()
    text = export()
    for model in reversed(MODELS):
        model._base_manager.all().delete()
    path = tmp_path / "reversed.json"
    path.write_text(json.dumps(json.loads(text)[::-1], indent=1), encoding="utf-8")
    call_command("import_glossary", str(path), verbosity=0)
    assert export() == text


@pytest.mark.django_db
def test_an_empty_glossary_exports_as_an_empty_list():
    assert export() == "[]\n"
