from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from terms.models import Alias, Citation, OldSlug, SeeAlso, Source, Term


@pytest.mark.parametrize(
    "identifier",
    [
        "arXiv:2212.08073",
        "arXiv:1706.03741v2",
        "arXiv:hep-th/9901001",
        "10.1145/3442188.3445922",
        "10.1000/xyz",
        "",
    ],
)
def test_good_identifiers_pass(make_source, identifier):
    source = make_source(identifier=identifier)
    source.full_clean()


@pytest.mark.parametrize(
    "identifier",
    [
        "2212.08073",
        "arxiv 2212.08073",
        "arXiv:22.08073",
        "doi:10.1000/xyz",
        "10.1000",
        "11.1000/xyz",
        "https://doi.org/10.1000/xyz",
    ],
)
def test_bad_identifiers_are_refused_by_name(make_source, identifier):
    source = make_source(identifier=identifier)
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert error.value.error_dict["identifier"][0].code == "invalid_identifier"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("url", "ftp://example.org/paper.pdf", "invalid_url"),
        ("url", "javascript:alert(1)", "invalid_url"),
        ("year", 1200, "implausible_year"),
        ("year", timezone.localdate().year + 2, "implausible_year"),
    ],
)
def test_bad_source_fields_are_refused(make_source, field, value, code):
    source = make_source()
    setattr(source, field, value)
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert code in [e.code for e in error.value.error_dict[field]]


def test_accessed_date_cannot_be_in_the_future(make_term):
    citation = make_term().citations.get()
    citation.accessed = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        citation.full_clean()
    assert error.value.error_dict["accessed"][0].code == "future_date"


def test_source_identifiers_are_unique_but_may_be_blank(make_source):
    make_source(identifier="")
    make_source(identifier="")
    make_source(identifier="10.1000/xyz")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_source(identifier="10.1000/xyz")


def test_term_names_are_unique_whatever_the_case(make_term):
    make_term("Reward model")
    duplicate = Term(name="REWARD MODEL", slug="reward-model-2")
    with pytest.raises(ValidationError, match="already exists"):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_term_slugs_are_unique(make_term):
    make_term("Guardrails")
    with pytest.raises(IntegrityError), transaction.atomic():
        Term.objects.create(name="Guard rails", slug="guardrails")


def test_a_term_cannot_link_to_itself(make_term):
    term = make_term()
    with pytest.raises(ValidationError, match="itself"):
        SeeAlso(term=term, target=term).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        SeeAlso.objects.create(term=term, target=term)


def test_a_see_also_link_is_not_repeated(make_term, link):
    term, target = make_term(), make_term()
    link(term, target)
    with pytest.raises(IntegrityError), transaction.atomic():
        link(term, target, position=2)


def test_a_source_is_cited_once_per_role(make_term):
    term = make_term()
    source = term.citations.get().source
    Citation.objects.create(
        term=term, source=source, role=Citation.Role.FURTHER_READING
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(term=term, source=source, role=Citation.Role.SOURCE)


def test_aliases_are_unique_per_term_whatever_the_case(make_term):
    term = make_term()
    Alias.objects.create(term=term, name="RLHF")
    with pytest.raises(IntegrityError), transaction.atomic():
        Alias.objects.create(term=term, name="rlhf")
    Alias.objects.create(term=make_term(), name="RLHF")


def test_a_source_cited_by_a_term_cannot_be_deleted(make_term):
    source = make_term().citations.get().source
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.filter(pk=source.pk).delete()


def test_citation_line_matches_the_seed_format(make_term):
    citation = make_term().citations.get()
    source = citation.source
    assert citation.citation == (
        f"{source.title}, Doe et al., Lab, {source.identifier}, 2022. "
        f"{source.url} (accessed 2026-01-02)"
    )


def test_renaming_a_slug_keeps_the_old_one_and_renaming_back_drops_it(make_term):
    """The rule is the model's: a rename in a shell or a data migration keeps
    the redirect as the admin and the API do."""
    term = make_term("Reward model")
    term.slug = "reward-models"
    term.save()
    assert list(term.old_slugs.values_list("slug", flat=True)) == ["reward-model"]
    term.slug = "reward-model"
    term.save()
    assert list(term.old_slugs.values_list("slug", flat=True)) == ["reward-models"]


def test_a_rename_in_code_redirects_readers(api, make_term):
    term = Term.objects.get(pk=make_term("Reward model").pk)
    term.slug = "reward-models"
    term.save()
    response = api.get("/api/v1/terms/reward-model/")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/terms/reward-models/"


def test_natural_keys_round_trip(make_term, link):
    term = make_term()
    other = make_term()
    seealso = link(term, other)
    citation = term.citations.get()
    alias = Alias.objects.create(term=term, name="T")
    for obj in (term, citation.source, citation, seealso, alias):
        manager = type(obj)._default_manager
        assert manager.get_by_natural_key(*obj.natural_key()) == obj


def test_an_old_slug_cannot_be_a_live_terms_slug(make_term):
    make_term("Jailbreak")
    other = make_term("Reward model")
    with pytest.raises(ValidationError, match="A term uses this slug"):
        OldSlug(term=other, slug="jailbreak").full_clean()


def test_a_new_term_takes_over_an_old_slug(make_term):
    term = make_term("Reward model")
    term.slug = "reward-models"
    term.save()
    make_term("Reward model (game theory)", slug="reward-model")
    assert not OldSlug.objects.filter(slug="reward-model").exists()
