"""Webhooks: every public change is sent, signed, to the endpoints that
subscribe to it, at least once and in order per resource (terms/outbox/)."""

import base64
import hashlib
import hmac
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from terms.changes import versions
from terms.models import Category, Delivery, Endpoint, Source, Term
from terms.outbox import signing
from terms.outbox.dispatch import dispatch
from terms.outbox.worker import Worker
from tests import receiver as receivers

pytestmark = pytest.mark.usefixtures("outbox_settings")


def events(receiver) -> list[tuple[str, str]]:
    return [(r.json["event"], r.json["resource"]["key"]) for r in receiver.received]


@pytest.fixture
def endpoint(outbox, receiver):
    return Endpoint.objects.create(url=receiver.url)


def test_an_edit_is_posted_signed_with_the_document_the_api_serves(
    endpoint, outbox, receiver, api
):
    term = Term.objects.get(slug="jailbreak")
    term.summary = "A prompt that gets around a model's safety training."
    term.save()

    outbox.run_until_idle()

    [sent] = receiver.about("jailbreak")
    assert sent.json["event"] == "term.updated"
    assert sent.json["resource"] == {"kind": "term", "key": "jailbreak"}
    assert sent.json["sequence"] == versions.of("term", term.pk).number
    assert sent.json["document"] == api.get("/api/v1/terms/jailbreak/").json()
    assert signing.verify(endpoint.secret, sent.headers, sent.body)


def test_the_signature_is_standard_webhooks(endpoint, outbox, receiver):
    """Checked as a receiver's library would, from the spec, not our code."""
    Term.objects.filter(slug="jailbreak").update(summary="Changed.")
    outbox.run_until_idle()
    [sent] = receiver.about("jailbreak")
    key = base64.b64decode(endpoint.secret.removeprefix("whsec_"))
    signed = f"{sent.headers['webhook-id']}.{sent.headers['webhook-timestamp']}."
    digest = hmac.new(key, signed.encode() + sent.body, hashlib.sha256).digest()
    assert (
        sent.headers["webhook-signature"] == "v1," + base64.b64encode(digest).decode()
    )
    assert not signing.verify(
        "whsec_" + base64.b64encode(b"x" * 24).decode(), sent.headers, sent.body
    )


def test_each_kind_of_change_is_its_event(endpoint, outbox, receiver, make_term):
    draft = make_term("Sycophancy", status=Term.Status.DRAFT)
    outbox.run_until_idle()
    assert [e for e in events(receiver) if e[0].startswith("term.")] == []  # a draft
    receiver.received.clear()  # its new source is public

    Term.objects.filter(pk=draft.pk).update(status=Term.Status.PUBLISHED)
    outbox.run_until_idle()
    Term.objects.filter(pk=draft.pk).update(status=Term.Status.DRAFT)
    outbox.run_until_idle()
    Term.objects.get(slug="hallucination").delete()
    outbox.run_until_idle()
    renamed = Term.objects.get(slug="jailbreak")
    renamed.slug = "jailbreaking"
    renamed.save()
    outbox.run_until_idle()

    terms = sorted(
        (r.json["sequence"], r.json["event"], r.json["resource"]["key"])
        for r in receiver.received
        if r.json["resource"]["kind"] == "term"
        and r.json["resource"]["key"] in ("sycophancy", "hallucination")
    )
    assert [(event, key) for _, event, key in terms] == [
        ("term.published", "sycophancy"),
        ("term.unpublished", "sycophancy"),
        ("term.deleted", "hallucination"),
    ]
    renames = [r.json for r in receiver.received if r.json["event"] == "term.renamed"]
    assert renames[0]["resource"]["key"] == "jailbreak"
    assert renames[0]["renamed_to"] == "jailbreaking"
    assert renames[0]["deleted"] is True
    assert ("term.updated", "jailbreaking") in events(receiver)


def test_source_and_category_changes_are_sent(endpoint, outbox, receiver):
    Source.objects.filter(key="bai2022constitutional").update(title="Retitled")
    Category.objects.filter(slug="safety").update(name="Safety")
    outbox.run_until_idle()
    sent = events(receiver)
    assert ("source.updated", "bai2022constitutional") in sent
    assert ("category.updated", "safety") in sent
    source = next(
        r.json for r in receiver.received if r.json["resource"]["kind"] == "source"
    )
    assert source["document"]["title"] == "Retitled"


def test_an_endpoint_gets_only_the_events_it_asked_for(outbox, receiver):
    Endpoint.objects.create(url=receiver.url, events=["term.deleted"])
    Term.objects.filter(slug="jailbreak").update(summary="Changed.")
    Term.objects.get(slug="hallucination").delete()
    outbox.run_until_idle()
    assert {event for event, _ in events(receiver)} == {"term.deleted"}
    assert ("term.deleted", "hallucination") in events(receiver)


def edit_then_fail():
    with transaction.atomic():
        Term.objects.filter(slug="jailbreak").update(summary="Never committed.")
        raise RuntimeError


def test_a_rolled_back_change_sends_nothing(endpoint, outbox, receiver):
    with pytest.raises(RuntimeError):
        edit_then_fail()
    outbox.run_until_idle()
    assert receiver.received == []
    assert not Delivery.objects.exists()


def test_an_inactive_endpoint_gets_nothing(endpoint, outbox, receiver):
    Endpoint.objects.filter(pk=endpoint.pk).update(active=False)
    Term.objects.filter(slug="jailbreak").update(summary="Changed.")
    outbox.run_until_idle()
    assert receiver.received == []


def test_a_failing_endpoint_gets_the_change_again_until_it_takes_it(
    endpoint, outbox, receiver
):
    receiver.answer(500, 503, 502, about="jailbreak")
    Term.objects.filter(slug="jailbreak").update(title="Changed.")  # shown nowhere else
    outbox.run_until_idle()

    sent = receiver.about("jailbreak")
    assert [r.answered for r in sent] == [500, 503, 502, 200]
    assert len({r.headers["webhook-id"] for r in sent}) == 1
    assert len({r.body for r in sent}) == 1
    delivery = Delivery.objects.get(key="jailbreak")
    assert (delivery.status, delivery.attempts, delivery.last_status) == (
        "done",
        4,
        200,
    )


def test_after_the_last_attempt_a_delivery_is_failed_and_can_be_sent_again(
    endpoint, outbox, receiver, admin_client
):
    receiver.answer(*[500] * 5)
    Term.objects.filter(slug="jailbreak").update(title="Changed.")  # shown nowhere else
    outbox.run_until_idle()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status) == (
        "failed",
        5,
        500,
    )
    assert "try later" in delivery.last_response
    page = admin_client.get("/admin/terms/delivery/")
    assert "failed (gave up)" in page.content.decode()

    admin_client.post(
        "/admin/terms/delivery/",
        {"action": "redeliver", "_selected_action": [delivery.pk]},
    )
    outbox.run_until_idle()
    delivery.refresh_from_db()
    assert (delivery.status, receiver.received[-1].answered) == ("done", 200)


def test_one_resources_deliveries_arrive_in_sequence_order(endpoint, outbox, receiver):
    receiver.answer(500, 500, about="jailbreak")  # the first is retried: the rest wait
    for n in range(4):
        Term.objects.filter(slug="jailbreak").update(title=f"Edit {n}.")
        dispatch()  # each edit its own delivery
    Term.objects.filter(slug="guardrails").update(title="Elsewhere.")
    Worker(concurrency=4).run_until_idle()

    sent = receiver.about("jailbreak")
    taken = [r.json["sequence"] for r in sent if r.answered == 200]
    assert len(taken) == 4
    assert [r.json["sequence"] for r in sent] == sorted(
        r.json["sequence"] for r in sent
    )
    assert [r.answered for r in sent[:3]] == [500, 500, 200]  # the first, retried
    assert receiver.about("guardrails")[0].answered == 200  # not held up


def test_a_hanging_endpoint_does_not_hold_up_the_others(outbox, settings):
    """The hanging endpoint's second delivery waits for its first to time
    out; the other endpoint has had both of its own by then."""
    settings.GLOSSARY_WEBHOOK_TIMEOUT = 1
    settings.GLOSSARY_WEBHOOK_MAX_ATTEMPTS = 1
    slow, fast = receivers.start(delay=2), receivers.start()
    try:
        Endpoint.objects.create(url=slow.url)
        Endpoint.objects.create(url=fast.url)
        Term.objects.filter(slug__in=["jailbreak", "guardrails"]).update(title="New.")
        Worker(concurrency=2).run_until_idle()  # one at a time to each endpoint

        assert {d.status for d in Delivery.objects.filter(endpoint__url=slow.url)} == {
            "failed"
        }
        assert (
            "timed out"
            in Delivery.objects.filter(endpoint__url=slow.url)[0].last_response
        )
        assert [d.status for d in Delivery.objects.filter(endpoint__url=fast.url)] == [
            "done",
            "done",
        ]
        _, second = slow.received
        assert all(r.at < second.at for r in fast.received)
    finally:
        slow.close()
        fast.close()


def test_an_endpoint_registered_later_gets_only_later_changes(outbox, receiver):
    Term.objects.filter(slug="jailbreak").update(summary="Before.")
    Endpoint.objects.create(url=receiver.url)
    Term.objects.filter(slug="guardrails").update(title="After.")
    outbox.run_until_idle()
    assert events(receiver) == [("term.updated", "guardrails")]


# Where webhooks may go: never somewhere internal, unless allowed (SSRF).


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://10.0.0.5/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
    ],
)
def test_an_internal_address_is_refused_unless_allowed(db, settings, url):
    settings.GLOSSARY_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError) as refused:
        Endpoint(url=url).full_clean()
    assert "private or internal" in str(refused.value)


@pytest.mark.parametrize("url", ["ftp://example.org/hook", "file:///etc/passwd"])
def test_only_http_urls_are_accepted(db, url):
    with pytest.raises(ValidationError):
        Endpoint(url=url).full_clean()


def test_production_accepts_https_only(db, settings):
    settings.GLOSSARY_WEBHOOK_REQUIRE_HTTPS = True
    with pytest.raises(ValidationError) as refused:
        Endpoint(url="http://hooks.example.org/").full_clean()
    assert "https URL" in str(refused.value)
    Endpoint(url="https://hooks.example.org/").full_clean()


def test_a_name_that_resolves_inside_is_refused_when_sent(outbox, receiver, settings):
    """localhost passes as a name; the address it resolves to does not."""
    Endpoint.objects.create(url=receiver.url.replace("127.0.0.1", "localhost"))
    settings.GLOSSARY_WEBHOOK_ALLOW_PRIVATE = False
    Term.objects.filter(slug="jailbreak").update(title="Changed.")
    outbox.run_until_idle()
    assert receiver.received == []
    delivery = Delivery.objects.get()
    assert delivery.status == "failed"
    assert "private or internal" in delivery.last_response


def test_the_admin_registers_an_endpoint_with_its_events(admin_client, db, receiver):
    response = admin_client.post(
        "/admin/terms/endpoint/add/",
        {
            "url": receiver.url,
            "description": "Static build",
            "events": ["term.published", "term.updated"],
            "secret": "whsec_" + base64.b64encode(b"s" * 24).decode(),
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    endpoint = Endpoint.objects.get()
    assert endpoint.events == ["term.published", "term.updated"]
    assert endpoint.wants("term.updated")
    assert not endpoint.wants("term.deleted")


def test_an_editor_without_the_permission_cannot_see_endpoints(
    client, db, django_user_model
):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        "ed", password="a-long-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    assert client.get("/admin/terms/endpoint/").status_code == 403
    assert client.get("/admin/terms/delivery/").status_code == 403


def test_a_payload_is_json_the_receiver_can_read(endpoint, outbox, receiver):
    Term.objects.filter(slug="jailbreak").update(summary="Ünïcode ✓.")
    outbox.run_until_idle()
    [sent] = receiver.about("jailbreak")
    assert sent.headers["content-type"] == "application/json"
    assert json.loads(sent.body.decode("utf-8"))["document"]["summary"] == "Ünïcode ✓."


def test_pruning_drops_what_was_sent_long_ago_and_keeps_what_is_pending(
    endpoint, outbox, receiver, settings
):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    Term.objects.filter(slug="jailbreak").update(title="Sent long ago.")
    outbox.run_until_idle()
    Term.objects.filter(slug="guardrails").update(title="Still to send.")
    dispatch()
    days = settings.GLOSSARY_CHANGE_LOG_RETENTION_DAYS
    Delivery.objects.update(created_at=timezone.now() - timedelta(days=days + 1))

    call_command("prune_changes", verbosity=0)

    assert list(Delivery.objects.values_list("key", "status")) == [
        ("guardrails", "pending")
    ]


def test_an_https_endpoint_is_spoken_to_in_tls(receiver, settings):
    """The local receiver speaks plain HTTP: the TLS handshake fails, and
    that is a failed attempt, not a crash (nor a request sent in clear)."""
    from terms.outbox import http

    url = receiver.url.replace("http://", "https://")
    result = http.post(url, b"{}", {}, timeout=2)
    assert result.status is None
    assert "SSL" in result.text
    assert receiver.received == []
