"""Precise CDN purging: every read names what it shows in Surrogate-Key
(and Cache-Tag), and a change purges exactly the keys of what it changed,
through the purge backend (terms/outbox/purge.py)."""

from terms.changes import versions
from terms.models import Category, Dispatched, Purge, Source, Term
from tests import receiver as receivers


def purged() -> set[str]:
    return {key for purge in Purge.objects.all() for key in purge.keys}


def test_a_term_names_itself_and_a_list_its_collection(api, seed):
    term = Term.objects.get(slug="ai-alignment")
    detail = api.get("/api/v1/terms/ai-alignment/")
    assert detail["Surrogate-Key"] == f"term-{term.pk}"
    assert detail["Cache-Tag"] == f"term-{term.pk}"
    assert api.get("/api/v1/terms/ai-alignment/?format=jsonld")["Surrogate-Key"] == (
        f"term-{term.pk}"
    )
    for url in [
        "/api/v1/terms/",
        "/api/v1/index/",
        "/api/v1/index/A/",
        "/api/v1/autocomplete/?q=ai",
    ]:
        assert api.get(url)["Surrogate-Key"] == "terms", url
    source = Source.objects.get(key="bai2022constitutional")
    assert api.get(f"/api/v1/sources/{source.pk}/")["Surrogate-Key"] == (
        f"source-{source.pk}"
    )
    assert api.get("/api/v1/sources/")["Surrogate-Key"] == "sources"
    category = Category.objects.get(slug="safety")
    assert api.get("/api/v1/categories/safety/")["Surrogate-Key"] == (
        f"category-{category.pk}"
    )
    assert api.get("/api/v1/sync/")["Surrogate-Key"] == "sync"


def test_an_address_no_term_has_yet_is_purged_with_the_terms(api, seed):
    """A CDN may keep a 404; publishing a term there must purge it."""
    assert api.get("/api/v1/terms/not-yet/")["Surrogate-Key"] == "terms"


def test_a_replayed_read_names_the_same_keys(api, seed):
    first = api.get("/api/v1/terms/jailbreak/")
    again = api.get("/api/v1/terms/jailbreak/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["Surrogate-Key"] == first["Surrogate-Key"]


def test_a_source_change_purges_every_term_that_cites_it(outbox):
    source = Source.objects.get(key="bai2022constitutional")
    citing = Term.objects.published().filter(citations__source=source).distinct()
    assert citing.count() >= 2
    Source.objects.filter(pk=source.pk).update(title="Retitled")
    outbox.run_until_idle()
    assert purged() >= {f"term-{t.pk}" for t in citing} | {
        f"source-{source.pk}",
        "sources",
        "terms",
    }
    others = (
        Term.objects.published()
        .exclude(pk__in=citing)
        .exclude(see_also_links__target__citations__source=source)
    )
    assert not purged() & {f"term-{t.pk}" for t in others}


def test_an_edit_purges_the_terms_that_show_it_and_no_others(outbox):
    target = Term.objects.get(slug="guardrails")
    linking = set(
        Term.objects.published()
        .filter(see_also_links__target=target)
        .values_list("pk", flat=True)
    )
    Term.objects.filter(pk=target.pk).update(title="Only its own page shows this.")
    outbox.run_until_idle()
    assert {k for k in purged() if k.startswith("term-")} == {f"term-{target.pk}"}

    Purge.objects.all().delete()
    Term.objects.filter(pk=target.pk).update(summary="See-also lists show this.")
    outbox.run_until_idle()
    shown_in = {f"term-{pk}" for pk in linking | {target.pk}}
    assert shown_in <= purged()


def test_a_draft_edit_purges_nothing(outbox, make_term):
    draft = make_term("Sycophancy", status=Term.Status.DRAFT, cite=False)
    Term.objects.filter(pk=draft.pk).update(summary="Still a draft.")
    outbox.run_until_idle()
    assert purged() == set()


def test_the_fastly_backend_posts_the_keys(outbox, settings):
    cdn = receivers.start()
    try:
        settings.GLOSSARY_PURGE_BACKEND = "fastly"
        settings.GLOSSARY_PURGE_URL = cdn.url
        settings.GLOSSARY_PURGE_TOKEN = "fastly-token"
        term = Term.objects.get(slug="jailbreak")
        Term.objects.filter(pk=term.pk).update(title="New.")
        outbox.run_until_idle()
        [request] = cdn.received
        assert request.headers["fastly-key"] == "fastly-token"
        assert set(request.headers["surrogate-key"].split()) == {
            f"term-{term.pk}",
            "terms",
            "sync",
        }
        assert Purge.objects.get().status == "done"
    finally:
        cdn.close()


def test_the_cloudflare_backend_posts_the_tags_and_retries(outbox, settings):
    cdn = receivers.start()
    cdn.answer(502)
    try:
        settings.GLOSSARY_PURGE_BACKEND = "cloudflare"
        settings.GLOSSARY_PURGE_URL = cdn.url
        settings.GLOSSARY_PURGE_TOKEN = "cf-token"
        term = Term.objects.get(slug="jailbreak")
        Term.objects.filter(pk=term.pk).update(title="New.")
        outbox.run_until_idle()
        assert [r.answered for r in cdn.received] == [502, 200]
        assert cdn.received[-1].headers["authorization"] == "Bearer cf-token"
        assert set(cdn.received[-1].json["tags"]) == {
            f"term-{term.pk}",
            "terms",
            "sync",
        }
    finally:
        cdn.close()


def test_an_outbox_overtaken_by_pruning_purges_everything(outbox, settings):
    from terms.changes.retention import prune

    Term.objects.filter(slug="jailbreak").update(title="Never dispatched.")
    Term.objects.filter(slug="guardrails").update(title="Nor this.")
    prune(0)  # no endpoint is active: pruning does not wait for the outbox
    outbox.run_until_idle()
    assert purged() == {"*"}


def test_an_outbox_ahead_of_the_log_starts_again_from_it(outbox):
    """A database restored from an older copy: the log is behind the outbox."""
    Dispatched.objects.filter(pk=1).update(seq=versions.head().number + 1000)
    outbox.run_until_idle()
    assert purged() == {"*"}
    assert Dispatched.objects.get().seq == versions.head().number


def test_a_change_of_a_term_purges_its_letter_page(api, outbox):
    """A letter page names the terms collection, which every term change
    purges: a rename that moves a term to another letter purges both."""
    term = Term.objects.get(slug="guardrails")
    keys = set(api.get("/api/v1/index/G/")["Surrogate-Key"].split())
    term.name = "Safety rails"
    term.save()
    outbox.run_until_idle()
    assert keys <= purged()
    assert set(api.get("/api/v1/index/S/")["Surrogate-Key"].split()) <= purged()
