import copy
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from terms.exchange import MODELS, natural_key
from terms.models import Alias, Category, Citation, OldSlug, SeeAlso, Source, Term


def export(**options) -> str:
    out = StringIO()
    call_command("export_glossary", stdout=out, **options)
    return out.getvalue()


def import_file(path, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_glossary", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, objects, name="glossary.json"):
    path = tmp_path / name
    text = objects if isinstance(objects, str) else json.dumps(objects, indent=2)
    path.write_text(text, encoding="utf-8")
    return path


def clear_glossary():
    for model in reversed(MODELS):
        model._base_manager.all().delete()


def snapshot() -> dict:
    """Every row of the app: content, history, the change log and stored documents."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_app_config("terms").get_models()
    }


def without_ids(data):
    """Database ids (and the URLs made of them) and versions (numbers in a
    database's change log) may differ between databases."""
    if isinstance(data, dict):
        return {
            k: without_ids(v)
            for k, v in data.items()
            if k not in {"id", "api_url", "version"}
        }
    if isinstance(data, list):
        return [without_ids(item) for item in data]
    return data


def responses(api) -> dict:
    urls = [
        "/api/v1/terms/?page_size=100",
        "/api/v1/index/",
        "/api/v1/sources/?page_size=100",
        "/api/v1/categories/",
        *(
            f"/api/v1/terms/{slug}/"
            for slug in Term.objects.values_list("slug", flat=True)
        ),
    ]
    bodies = {}
    for url in urls:
        response = api.get(url)
        assert response.status_code == 200, url
        bodies[url] = without_ids(response.json())
    return bodies


@pytest.fixture
def content(seed, make_term, editor, api):
    """The seed plus what it lacks: a draft, an old slug, an accented alias,
    timestamps with microseconds and a review. The API is read as the
    editor, so drafts show too."""
    alignment = Term.objects.get(slug="ai-alignment")
    draft = make_term("Zero-shot prompting", status=Term.Status.DRAFT)
    Alias.objects.create(term=draft, name="Zéro-shot", kind=Alias.Kind.SYNONYM)
    SeeAlso.objects.create(term=draft, target=alignment, position=1)
    OldSlug.objects.create(term=alignment, slug="alignment")
    Term.objects.filter(slug="jailbreak").mark_reviewed(editor)
    api.force_authenticate(editor)
    return api


def by_model(objects) -> dict[str, list]:
    grouped = {}
    for obj in objects:
        grouped.setdefault(obj["model"], []).append(obj["fields"])
    return grouped


def test_two_exports_are_the_same_bytes_in_natural_key_order(content):
    text = export()
    assert export() == text
    assert text.endswith("}\n]\n")
    objects = json.loads(text)
    assert all(set(obj) == {"model", "fields"} for obj in objects), "no pks"
    grouped = by_model(objects)
    assert list(grouped) == [model._meta.label_lower for model in MODELS]
    for model in MODELS:
        exported = [
            natural_key(
                model, {k: tuple(v) if isinstance(v, list) else v for k, v in f.items()}
            )
            for f in grouped[model._meta.label_lower]
        ]
        assert exported == sorted(obj.natural_key() for obj in model.objects.all())
    assert "Zéro-shot" in text, "not escaped"


def test_export_leaves_out_search_vectors_and_reviewers(content):
    terms = by_model(json.loads(export()))["terms.term"]
    assert all("search_vector" not in t and "reviewed_by" not in t for t in terms)
    jailbreak = next(t for t in terms if t["slug"] == "jailbreak")
    assert jailbreak["last_reviewed"] == timezone.localdate().isoformat()

    terms = by_model(json.loads(export(with_reviewers=True)))["terms.term"]
    assert next(t for t in terms if t["slug"] == "jailbreak")["reviewed_by"] == [
        "editor"
    ]


def test_export_to_a_file(content, tmp_path):
    call_command("export_glossary", str(tmp_path / "out.json"))
    assert (tmp_path / "out.json").read_text(encoding="utf-8") == export()


def test_export_then_loaddata_into_an_empty_database_gives_the_same_api(
    content, tmp_path
):
    before, text = responses(content), export()
    clear_glossary()
    call_command("loaddata", str(write(tmp_path, text)), verbosity=0)
    assert responses(content) == before
    assert export() == text


def test_export_then_import_into_an_empty_database_gives_the_same_api(
    content, tmp_path
):
    before, text = responses(content), export()
    clear_glossary()
    out, _ = import_file(write(tmp_path, text))
    assert "terms.term: 20 created, 0 updated, 0 unchanged" in out
    assert responses(content) == before
    assert export() == text
    term = Term.objects.get(slug="zero-shot-prompting")
    assert term.history.first().history_change_reason == "import_glossary"


def test_the_seed_fixture_imports_like_loaddata_loads_it(db):
    import_file(settings.BASE_DIR / "fixtures" / "glossary.json")
    imported = export()
    clear_glossary()
    call_command("loaddata", "glossary", verbosity=0)
    assert export() == imported


def test_importing_what_the_database_has_changes_nothing(content, tmp_path):
    path = write(tmp_path, export())
    before = snapshot()
    out, _ = import_file(path, "--dry-run")
    assert "Dry run" in out
    assert "terms.term: 0 created, 0 updated, 20 unchanged" in out
    assert " 1 created" not in out
    assert " 1 updated" not in out
    out, _ = import_file(path)
    assert "terms.seealso: 0 created, 0 updated, 66 unchanged" in out
    assert snapshot() == before
    assert Term.objects.get(slug="jailbreak").reviewed_by.username == "editor"


def test_a_unique_value_moved_between_stored_records_is_refused_by_name(
    content, tmp_path
):
    """Two stored terms that swap names would pass every check and then
    meet the database's constraint row by row, in the middle of the writes:
    the checks say which records, and the dry run says so too."""
    objects = json.loads(export())
    terms = [o for o in objects if o["model"] == "terms.term"][:2]
    first, second = (term["fields"] for term in terms)
    first["name"], second["name"] = second["name"], first["name"]
    path = write(tmp_path, objects)
    before = snapshot()
    for args in (["--dry-run"], []):
        with pytest.raises(CommandError) as failure:
            import_file(path, *args)
        message = str(failure.value)
        assert f'terms.term "{first["slug"]}"' in message, message
        assert f'held by terms.term "{second["slug"]}" in the database' in message
        assert "import the record that gives it up first" in message
    assert snapshot() == before


def test_dry_run_reports_changes_and_writes_nothing(content, tmp_path):
    objects = json.loads(export())
    term = next(o for o in objects if o["fields"].get("slug") == "ai-alignment")
    term["fields"]["summary"] = "A new summary."
    objects += [
        {"model": "terms.category", "fields": {"name": "Ethics", "slug": "ethics"}},
        {
            "model": "terms.term",
            "fields": {"name": "Sycophancy", "slug": "sycophancy"},
        },
        {
            "model": "terms.alias",
            "fields": {"term": ["sycophancy"], "name": "Flattery"},
        },
    ]
    path = write(tmp_path, objects)
    before = snapshot()

    out, _ = import_file(path, "--dry-run", "--verbosity=2")
    assert "terms.category: 1 created, 0 updated, 4 unchanged" in out
    assert "terms.term: 1 created, 1 updated, 19 unchanged" in out
    assert "terms.alias: 1 created, 0 updated, 14 unchanged" in out
    assert 'updated terms.term "ai-alignment"' in out
    assert snapshot() == before

    out, _ = import_file(path)
    assert "terms.term: 1 created, 1 updated, 19 unchanged" in out
    alignment = Term.objects.get(slug="ai-alignment")
    assert alignment.summary == "A new summary."
    assert alignment.updated_at == parse_datetime(term["fields"]["updated_at"])
    assert alignment.history.first().history_change_reason == "import_glossary"
    new = Term.objects.get(slug="sycophancy")
    assert new.aliases.get().name == "Flattery"
    assert new.status == Term.Status.DRAFT
    assert timezone.now() - new.created_at < timedelta(minutes=1)


def test_a_file_may_refer_to_records_already_in_the_database(seed, tmp_path):
    path = write(
        tmp_path,
        [
            {
                "model": "terms.seealso",
                "fields": {"term": ["jailbreak"], "target": ["hallucination"]},
            },
            {
                "model": "terms.citation",
                "fields": {
                    "term": ["jailbreak"],
                    "source": ["bai2022constitutional"],
                    "role": "further_reading",
                    "position": 9,
                },
            },
        ],
    )
    out, _ = import_file(path)
    assert "terms.seealso: 1 created" in out
    assert SeeAlso.objects.filter(term__slug="jailbreak", target__slug="hallucination")
    assert Citation.objects.filter(
        term__slug="jailbreak",
        source__key="bai2022constitutional",
        role="further_reading",
    )


def test_known_reviewers_are_imported_when_exported(content, tmp_path, editor):
    text = export(with_reviewers=True)
    clear_glossary()
    _, err = import_file(write(tmp_path, text))
    assert err == ""
    assert Term.objects.get(slug="jailbreak").reviewed_by == editor


def test_unknown_reviewers_are_left_out_with_a_warning(
    content, tmp_path, django_user_model
):
    text = export(with_reviewers=True)
    clear_glossary()
    django_user_model.objects.all().delete()
    _, err = import_file(write(tmp_path, text))
    assert 'terms.term "jailbreak"' in err
    assert "no user 'editor' here" in err
    assert Term.objects.get(slug="jailbreak").reviewed_by is None


def test_the_default_export_loads_where_the_reviewer_does_not_exist(
    content, tmp_path, django_user_model
):
    text = export()
    clear_glossary()
    django_user_model.objects.all().delete()
    call_command("loaddata", str(write(tmp_path, text)), verbosity=0)
    jailbreak = Term.objects.get(slug="jailbreak")
    assert jailbreak.last_reviewed == timezone.localdate()
    assert jailbreak.reviewed_by is None


def find(objects, model, **fields):
    """The 1-based number of the first object of `model` with these fields."""
    for number, obj in enumerate(objects, start=1):
        if obj["model"] == model and fields.items() <= obj["fields"].items():
            return number
    raise LookupError(model, fields)


def bad_identifier(objects):
    n = find(objects, "terms.source", key="bai2022constitutional")
    objects[n - 1]["fields"]["identifier"] = "arxiv 1"
    return (
        f'terms.source "bai2022constitutional" (object {n}): identifier: '
        "arxiv 1 is not an arXiv id"
    )


def ftp_url(objects):
    n = find(objects, "terms.source", key="bai2022constitutional")
    objects[n - 1]["fields"]["url"] = "ftp://arxiv.org/abs/2212.08073"
    return f"(object {n}): url: Enter an http:// or https:// URL."


def future_accessed_date(objects):
    n = find(objects, "terms.citation", term=["ai-alignment"], role="source")
    fields = objects[n - 1]["fields"]
    future = (timezone.localdate() + timedelta(days=30)).isoformat()
    fields["accessed"] = future
    key = json.dumps([*fields["term"], *fields["source"], fields["role"]])
    return f"terms.citation {key} (object {n}): accessed: {future} is in the future."


def unknown_see_also_target(objects):
    n = find(objects, "terms.seealso", term=["ai-alignment"])
    objects[n - 1]["fields"]["target"] = ["no-such-term"]
    return (
        f'terms.seealso ["ai-alignment", "no-such-term"] (object {n}): '
        'target: no term "no-such-term" in the file or the database'
    )


def duplicate_natural_key(objects):
    n = find(objects, "terms.term", slug="jailbreak")
    objects.append(copy.deepcopy(objects[n - 1]))
    return (
        f'terms.term "jailbreak" (object {len(objects)}): '
        f"the file already has it as object {n}"
    )


def case_duplicate_name(objects):
    n = find(objects, "terms.term", slug="ai-alignment")
    term = {
        **objects[n - 1]["fields"],
        "slug": "alignment-again",
        "name": "AI ALIGNMENT",
        "status": "draft",  # cites nothing: published, it would be a problem too
    }
    objects.append({"model": "terms.term", "fields": term})
    return (
        f'terms.term "alignment-again" (object {len(objects)}): name: '
        f"A term with this name already exists. (object {n})"
    )


def self_link(objects):
    link = {"term": ["jailbreak"], "target": ["jailbreak"], "position": 9}
    objects.append({"model": "terms.seealso", "fields": link})
    return (
        f'terms.seealso ["jailbreak", "jailbreak"] (object {len(objects)}): '
        "target: A term cannot link to itself."
    )


def unknown_model(objects):
    objects.append({"model": "auth.user", "fields": {"username": "mallory"}})
    return f'object {len(objects)}: "auth.user" is not a glossary model'


def wrong_field(objects):
    n = find(objects, "terms.term", slug="jailbreak")
    objects[n - 1]["fields"]["colour"] = "blue"
    return f'terms.term "jailbreak" (object {n}): colour: not a field of terms.term'


def wrong_type(objects):
    n = find(objects, "terms.source", key="bai2022constitutional")
    objects[n - 1]["fields"]["year"] = "twenty"
    return f"(object {n}): year: expected a whole number, not 'twenty'"


BAD_FILES = [
    bad_identifier,
    ftp_url,
    future_accessed_date,
    unknown_see_also_target,
    duplicate_natural_key,
    case_duplicate_name,
    self_link,
    unknown_model,
    wrong_field,
    wrong_type,
]


def good_changes(objects):
    """Changes that a partial import would write, to show it writes none."""
    n = find(objects, "terms.term", slug="ai-alignment")
    objects[n - 1]["fields"]["summary"] = "Changed."
    objects.insert(0, {"model": "terms.category", "fields": {"name": "X", "slug": "x"}})


@pytest.mark.parametrize("spoil", BAD_FILES, ids=lambda spoil: spoil.__name__)
def test_a_bad_file_names_the_problem_and_record_and_writes_nothing(
    content, tmp_path, spoil
):
    objects = json.loads(export())
    good_changes(objects)
    problem = spoil(objects)
    path = write(tmp_path, objects)
    before = snapshot()
    with pytest.raises(CommandError) as failure:
        import_file(path)
    assert problem in str(failure.value)
    assert "nothing was written" in str(failure.value)
    assert snapshot() == before


def test_every_problem_of_a_file_is_reported_at_once(content, tmp_path):
    objects = json.loads(export())
    problems = [spoil(objects) for spoil in BAD_FILES]
    before = snapshot()
    with pytest.raises(CommandError) as failure:
        import_file(write(tmp_path, objects))
    message = str(failure.value)
    assert [problem for problem in problems if problem not in message] == []
    assert f"{len(problems)} problem(s)" in message
    assert snapshot() == before


def test_malformed_json_writes_nothing(content, tmp_path):
    before = snapshot()
    # The parser reads the file a piece at a time: it shows the text where
    # the JSON goes wrong rather than a line number.
    invalid = r'file: not valid JSON: invalid object key .*, at: "model": .*\]$'
    with pytest.raises(CommandError, match=invalid):
        import_file(write(tmp_path, '[\n  {"model": "terms.category",\n  ]'))
    with pytest.raises(CommandError, match="expected a list of objects"):
        import_file(write(tmp_path, '{"model": "terms.category"}'))
    with pytest.raises(CommandError, match=r'object 1: expected \{"model"'):
        import_file(write(tmp_path, '[["terms.category"]]'))
    assert snapshot() == before


@pytest.mark.parametrize(
    ("field", "raw", "problem"),
    [
        # Valid JSON that no field takes, each named, none a traceback.
        ("name", "[" * 5000 + "]" * 5000, 'terms.term "new-term" (object 1): name:'),
        ("review_interval_days", "9" * 5000, "file: "),
        ("updated_at", '"0001-01-01T00:00:00+01:00"', "updated_at: "),
        ("updated_at", '"9999-12-31T23:00:00-02:00"', "updated_at: "),
    ],
    ids=["nested", "huge-number", "before-year-1", "after-year-9999"],
)
def test_a_hostile_value_is_a_problem_named_not_a_crash(
    seed, tmp_path, field, raw, problem
):
    term = json.dumps([new_term()])
    text = term.replace('"status": "published"', f'"status": "draft", "{field}": {raw}')
    before = snapshot()
    with pytest.raises(CommandError) as failure:
        import_file(write(tmp_path, text))
    assert problem in str(failure.value)
    assert snapshot() == before


def test_a_missing_file_is_a_command_error(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        import_file(tmp_path / "missing.json")


def test_unique_values_are_checked_against_the_database(seed, tmp_path):
    source = Source.objects.get(key="bai2022constitutional")
    objects = [
        {
            "model": "terms.source",
            "fields": {
                "key": "copy",
                "title": "A copy",
                "authors": "Someone",
                "year": 2022,
                "identifier": source.identifier,
                "url": "https://example.org/",
            },
        },
        {"model": "terms.category", "fields": {"name": "Alignment", "slug": "other"}},
        {
            "model": "terms.alias",
            "fields": {"term": ["jailbreak"], "name": "jailbreaking"},
        },
    ]
    before = snapshot()
    with pytest.raises(CommandError) as failure:
        import_file(write(tmp_path, objects))
    message = str(failure.value)
    assert (
        'terms.source "copy" (object 1): identifier: Another source has this '
        'identifier. (terms.source "bai2022constitutional" in the database)'
    ) in message
    assert 'terms.category "other" (object 2): name:' in message
    assert (
        'terms.alias ["jailbreaking", "jailbreak"] (object 3): name: The term already'
        in message
    )
    assert snapshot() == before
    assert Category.objects.count() == 4


def test_a_new_record_can_take_a_unique_value_another_gives_up(seed, tmp_path):
    objects = json.loads(export())
    n = find(objects, "terms.source", key="bai2022constitutional")
    old = objects[n - 1]["fields"]
    new = old | {"key": "bai2022constitutional-v2"}
    old["identifier"] = ""
    out, _ = import_file(
        write(tmp_path, [{"model": "terms.source", "fields": new}, objects[n - 1]])
    )
    assert "terms.source: 1 created, 1 updated, 0 unchanged" in out
    assert Source.objects.get(identifier=new["identifier"]).key == new["key"]


def test_accessed_dates_and_years_are_validated(seed, tmp_path):
    link = {"term": ["jailbreak"], "source": ["gao2022scaling"], "role": "source"}
    objects = [
        {"model": "terms.citation", "fields": link | {"accessed": "2026-02-30"}},
        {"model": "terms.source", "fields": {"key": "old", "year": 1200}},
    ]
    with pytest.raises(CommandError) as failure:
        import_file(write(tmp_path, objects))
    message = str(failure.value)
    assert "(object 1): accessed: “2026-02-30” value has the correct format" in message
    assert 'terms.source "old" (object 2): year: 1200 is not a plausible' in message
    assert (
        'terms.source "old" (object 2): title: This field cannot be blank.' in message
    )


# The import enforces what the admin and the API enforce (one rule, one owner).


def new_term(slug="new-term", **fields):
    return {
        "model": "terms.term",
        "fields": {
            "name": slug.replace("-", " ").capitalize(),
            "slug": slug,
            "summary": "A summary.",
            "definition": "A definition.",
            "status": "published",
        }
        | fields,
    }


def cites(slug="new-term", source="bai2022constitutional", role="source"):
    return {
        "model": "terms.citation",
        "fields": {"term": [slug], "source": [source], "role": role, "position": 1},
    }


@pytest.mark.parametrize(
    ("objects", "lacks"),
    [
        ([new_term()], "at least one source"),
        ([new_term(summary=""), cites()], "a summary"),
        ([new_term(definition=""), cites()], "a definition"),
        ([new_term(), cites(role="further_reading")], "at least one source"),
    ],
)
def test_an_import_refuses_to_publish_what_the_admin_refuses(
    seed, tmp_path, objects, lacks
):
    before = snapshot()
    with pytest.raises(CommandError) as failure:
        import_file(write(tmp_path, objects))
    assert 'terms.term "new-term"' in str(failure.value)
    assert lacks in str(failure.value)
    assert snapshot() == before


def test_an_import_may_publish_a_term_cited_in_the_file_or_the_database(seed, tmp_path):
    import_file(write(tmp_path, [new_term(status="draft"), cites()]))
    import_file(write(tmp_path, [new_term()]))  # its citation is stored now
    assert Term.objects.get(slug="new-term").status == Term.Status.PUBLISHED


def test_an_import_refuses_an_overlong_definition_like_the_api(seed, tmp_path):
    huge = "x" * 20_001
    before = snapshot()
    with pytest.raises(CommandError) as failure:
        import_file(write(tmp_path, [new_term(definition=huge), cites()]))
    assert "at most 20000 characters" in str(failure.value)
    assert snapshot() == before


def test_an_import_refuses_names_too_long_once_spelt_out(seed, tmp_path):
    alias = {"model": "terms.alias", "fields": {"term": ["new-term"], "name": "ﷺ" * 34}}
    before = snapshot()
    with pytest.raises(CommandError) as failure:
        import_file(write(tmp_path, [new_term(name="ﷺ" + "각" * 199), alias, cites()]))
    problems = str(failure.value)
    spelt_out = "name: Too long once its characters are spelt out"
    assert f'terms.term "new-term" (object 1): {spelt_out}' in problems, problems
    assert f'"new-term"] (object 2): {spelt_out}' in problems, problems
    assert snapshot() == before


def test_an_import_refuses_an_old_slug_that_a_live_term_uses(seed, tmp_path):
    objects = [
        {
            "model": "terms.oldslug",
            "fields": {"slug": "jailbreak", "term": ["reward-model"]},
        }
    ]
    before = snapshot()
    with pytest.raises(CommandError) as failure:
        import_file(write(tmp_path, objects))
    assert 'terms.oldslug "jailbreak"' in str(failure.value)
    assert "A term uses this slug" in str(failure.value)
    assert snapshot() == before


def test_an_imported_term_takes_over_an_old_slug(seed, tmp_path):
    renamed = Term.objects.get(slug="jailbreak")
    renamed.slug = "jailbreaking"
    renamed.save()
    new = new_term("jailbreak", name="Jailbreak (new)", status="draft")
    import_file(write(tmp_path, [new]))
    assert not OldSlug.objects.filter(slug="jailbreak").exists()
