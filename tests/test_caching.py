"""HTTP caching: validators on every read, 304s, and no stale page after an edit."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from terms.models import Alias, Category, Citation, Source, Term

READ_ENDPOINTS = [
    "/api/v1/terms/",
    "/api/v1/terms/?search=model&fields=slug",
    "/api/v1/terms/ai-alignment/",
    "/api/v1/terms/ai-alignment/?format=jsonld",
    "/api/v1/index/",
    "/api/v1/index/A/",
    "/api/v1/autocomplete/?q=re",
    "/api/v1/sources/",
    "/api/v1/categories/",
    "/api/v1/categories/alignment/",
]


def etag(api, url):
    response = api.get(url)
    assert response.status_code == 200, response.content
    return response["ETag"]


@pytest.mark.parametrize("url", READ_ENDPOINTS)
def test_every_read_carries_validators_and_cdn_cache_control(api, seed, url):
    response = api.get(url)
    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")
    assert response["Cache-Control"] == (
        "public, max-age=60, s-maxage=86400, stale-while-revalidate=300"
    )
    assert "Accept" in response["Vary"]


def test_source_detail_carries_validators(api, seed):
    source = Source.objects.first()
    assert api.get(f"/api/v1/sources/{source.pk}/")["ETag"]


@pytest.mark.parametrize("url", READ_ENDPOINTS)
def test_repeated_conditional_gets_answer_304_without_a_body(
    api, seed, url, django_assert_max_num_queries
):
    first = api.get(url)
    for _ in range(2):
        with django_assert_max_num_queries(1):
            response = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == first["ETag"]
        assert response["Cache-Control"] == first["Cache-Control"]


def test_if_modified_since_answers_304(api, seed):
    first = api.get("/api/v1/terms/ai-alignment/")
    response = api.get(
        "/api/v1/terms/ai-alignment/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    assert response.status_code == 304


def test_a_stale_etag_gets_the_full_response(api, seed):
    response = api.get("/api/v1/terms/ai-alignment/", HTTP_IF_NONE_MATCH='"stale"')
    assert response.status_code == 200
    assert response.json()["slug"] == "ai-alignment"


def test_different_queries_and_formats_have_different_etags(api, seed):
    urls = [
        "/api/v1/terms/",
        "/api/v1/terms/?page_size=5",
        "/api/v1/terms/ai-alignment/",
        "/api/v1/terms/ai-alignment/?format=jsonld",
    ]
    assert len({etag(api, url) for url in urls}) == len(urls)


def test_cache_control_comes_from_settings(api, seed, settings):
    settings.GLOSSARY_CACHE_CONTROL = "public, max-age=5"
    assert api.get("/api/v1/index/")["Cache-Control"] == "public, max-age=5"


def test_signed_in_responses_are_private(api, seed, editor):
    api.force_authenticate(editor)
    response = api.get("/api/v1/terms/")
    assert response["Cache-Control"] == "private, no-cache"
    api.force_authenticate(None)
    assert api.get("/api/v1/terms/")["ETag"] != response["ETag"]


def rename_term(slug):
    term = Term.objects.get(slug=slug)
    term.definition += "\n\nEdited."
    term.save()


def rename_source(slug):
    citation = Citation.objects.filter(term__slug=slug).first()
    Source.objects.filter(pk=citation.source_id).update(title="Renamed source")


def add_alias(slug):
    Alias.objects.create(term=Term.objects.get(slug=slug), name="Brand new alias")


def first_see_also(slug) -> Term:
    return Term.objects.get(slug=slug).see_also_links.order_by("position")[0].target


def rename_see_also_target(slug):
    target = first_see_also(slug)
    target.name = "Renamed target"
    target.save()


def change_see_also_summary(slug):
    target = first_see_also(slug)
    Term.objects.filter(pk=target.pk).update(summary="A new summary.")


def add_term(slug):
    Term.objects.create(
        name="A brand new term",
        slug="a-brand-new-term",
        status="published",
        category=Term.objects.get(slug=slug).category,
    )


def unpublish_term(slug):
    Term.objects.filter(slug=slug).update(status=Term.Status.DRAFT)


def delete_see_also_link(slug):
    Term.objects.get(slug=slug).see_also_links.first().delete()


def rename_category(slug):
    Category.objects.filter(terms__slug=slug).update(name="Renamed category")


def mark_reviewed(slug):
    Term.objects.filter(slug=slug).mark_reviewed(None)


def edit_title(slug):
    Term.objects.filter(slug=slug).update(title="Edited title")


# Each change, and the endpoints whose content it changes.
CHANGES = {
    rename_term: ["/api/v1/terms/ai-alignment/"],
    rename_source: ["/api/v1/terms/ai-alignment/", "/api/v1/sources/"],
    add_alias: ["/api/v1/terms/ai-alignment/", "/api/v1/autocomplete/?q=brand"],
    rename_see_also_target: ["/api/v1/terms/ai-alignment/", "/api/v1/index/"],
    change_see_also_summary: ["/api/v1/terms/ai-alignment/"],
    add_term: [
        "/api/v1/terms/",
        "/api/v1/index/",
        "/api/v1/index/A/",
        "/api/v1/categories/",
    ],
    unpublish_term: [
        "/api/v1/terms/",
        "/api/v1/index/",
        "/api/v1/index/A/",
        "/api/v1/sources/",
    ],
    delete_see_also_link: ["/api/v1/terms/ai-alignment/"],
    rename_category: ["/api/v1/terms/ai-alignment/", "/api/v1/categories/"],
    mark_reviewed: ["/api/v1/terms/ai-alignment/", "/api/v1/terms/"],
    edit_title: ["/api/v1/terms/ai-alignment/", "/api/v1/terms/"],
}


@pytest.mark.parametrize(
    ("change", "url"),
    [(change, url) for change, urls in CHANGES.items() for url in urls],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_every_kind_of_change_gives_a_200_with_new_content(api, seed, change, url):
    before = api.get(url)
    change("ai-alignment")
    response = api.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert response.status_code == 200
    assert response["ETag"] != before["ETag"]
    assert response.content != before.content


def test_loading_fixtures_over_an_edit_serves_the_fixture_content(api, seed):
    edit_title("ai-alignment")
    before = api.get("/api/v1/terms/ai-alignment/")
    call_command("loaddata", "glossary", verbosity=0)
    response = api.get("/api/v1/terms/ai-alignment/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert response.status_code == 200
    assert response.json()["title"] != "Edited title"


def test_unpublishing_a_term_makes_its_cached_page_a_404(api, seed):
    before = api.get("/api/v1/terms/ai-alignment/")
    unpublish_term("ai-alignment")
    response = api.get("/api/v1/terms/ai-alignment/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert response.status_code == 404


def test_the_new_content_is_served_after_a_change(api, seed):
    url = "/api/v1/terms/ai-alignment/"
    before = api.get(url)
    rename_see_also_target("ai-alignment")
    response = api.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert response.status_code == 200
    assert response.json()["see_also"][0]["name"] == "Renamed target"


def test_last_modified_follows_the_latest_change(api, seed):
    before = api.get("/api/v1/index/")["Last-Modified"]
    add_term("ai-alignment")
    after = api.get("/api/v1/index/")["Last-Modified"]
    assert timezone.datetime.strptime(after, "%a, %d %b %Y %H:%M:%S GMT") >= (
        timezone.datetime.strptime(before, "%a, %d %b %Y %H:%M:%S GMT")
    )


def test_a_redirect_from_an_old_slug_is_cacheable(api, make_term):
    term = make_term("Reward model")
    term.slug = "reward-models"
    term.save()
    response = api.get("/api/v1/terms/reward-model/")
    assert response.status_code == 301
    assert response["ETag"]


@pytest.mark.parametrize("url", READ_ENDPOINTS)
def test_a_repeated_read_is_served_from_the_response_cache(
    api, seed, url, django_assert_max_num_queries
):
    first = api.get(url)
    with django_assert_max_num_queries(1):
        again = api.get(url)
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == first["Cache-Control"]


def test_the_response_cache_keeps_hosts_apart(api, seed):
    one = api.get("/api/v1/terms/ai-alignment/", HTTP_HOST="localhost")
    two = api.get("/api/v1/terms/ai-alignment/", HTTP_HOST="127.0.0.1")
    assert one.json()["url"].startswith("http://localhost/")
    assert two.json()["url"].startswith("http://127.0.0.1/")
