"""What an endpoint, an editor or the network can do to the outbox: none of
it stops the worker for everyone, loses a change, or lets an old document
overtake a newer one (found by trying to break it)."""

import base64
import socket
import socketserver
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from terms.models import Delivery, Endpoint, Term
from terms.outbox import http, urls
from terms.outbox import worker as worker_module
from terms.outbox.dispatch import dispatch
from terms.outbox.http import Result
from terms.outbox.worker import CLAIM_TIMEOUTS, Worker

pytestmark = pytest.mark.usefixtures("outbox_settings")


KEY = "whsec_" + base64.b64encode(b"k" * 24).decode()


def add_endpoint(admin_client, url, secret=KEY):
    return admin_client.post(
        "/admin/terms/endpoint/add/", {"url": url, "secret": secret, "active": "on"}
    )


@pytest.mark.parametrize(
    ("url", "secret", "message"),
    [
        ("http://hooks.example.org/", "whsec_abc", "base64"),
        ("http://hooks.example.org/", "whsec_" + base64.b64encode(b"k").decode(), "16"),
        ("http://hooks.example.org:99999/", None, "Port"),
    ],
)
def test_the_admin_refuses_what_could_not_be_sent(
    admin_client, db, url, secret, message
):
    response = add_endpoint(admin_client, url, *([secret] if secret else []))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Endpoint.objects.exists()


def test_whatever_an_endpoint_holds_it_fails_alone(outbox, receiver):
    """Stored behind the admin's back, a bad secret fails its own deliveries;
    a path that is not ASCII is sent %-encoded."""
    bad = Endpoint.objects.create(url=receiver.url, secret="whsec_abc")
    Endpoint.objects.create(url=receiver.url + "/café")
    Term.objects.filter(slug="jailbreak").update(title="Changed.")
    outbox.run_until_idle()
    failed = Delivery.objects.get(endpoint=bad)
    assert failed.status == "failed"
    assert "secret cannot sign" in failed.last_response
    [sent] = receiver.received
    assert sent.path == "/hook/caf%C3%A9"


def test_deleting_an_endpoint_while_it_is_sent_to(outbox, monkeypatch):
    endpoint = Endpoint.objects.create(url="http://hooks.example.org/")
    Term.objects.filter(slug="jailbreak").update(title="Changed.")
    dispatch()
    release = threading.Event()
    monkeypatch.setattr(
        worker_module, "send", lambda *_: release.wait() and Result(200, "ok")
    )
    worker = Worker()
    with ThreadPoolExecutor(2) as pool:
        assert worker.start(pool) == 1
        endpoint.delete()  # in the admin, meanwhile
        release.set()
        worker.collect(timeout=None)
    assert not Delivery.objects.exists()


def test_a_name_that_does_not_resolve_for_now_is_retried(outbox, receiver, monkeypatch):
    Endpoint.objects.create(url=receiver.url.replace("127.0.0.1", "localhost"))
    real = socket.getaddrinfo
    failures = [socket.gaierror(socket.EAI_AGAIN, "Temporary failure")]

    def getaddrinfo(host, *args, **kwargs):
        if failures:
            raise failures.pop()
        return real("127.0.0.1", *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    Term.objects.filter(slug="jailbreak").update(title="Changed.")
    outbox.run_until_idle()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("done", 2), delivery.last_response


def test_a_deactivated_endpoint_is_sent_nothing_more(outbox, receiver):
    endpoint = Endpoint.objects.create(url=receiver.url)
    Term.objects.filter(slug="jailbreak").update(title="Changed.")
    dispatch()
    Endpoint.objects.filter(pk=endpoint.pk).update(active=False)
    outbox.run_until_idle()
    assert receiver.received == []
    assert Delivery.objects.get().status == "pending"  # until it is active again


def test_sending_again_never_overtakes_a_later_change(outbox, receiver, admin_client):
    Endpoint.objects.create(url=receiver.url)
    receiver.answer(*[500] * 5, about="jailbreak")
    Term.objects.filter(slug="jailbreak").update(title="Old.")
    outbox.run_until_idle()  # gives up on the first
    Term.objects.filter(slug="jailbreak").update(title="New.")
    outbox.run_until_idle()  # the second is taken
    old, new = Delivery.objects.filter(key="jailbreak").order_by("seq")
    response = admin_client.post(
        "/admin/terms/delivery/",
        {"action": "redeliver", "_selected_action": [old.pk, new.pk]},
        follow=True,
    )
    assert "1 not sent again" in response.content.decode()
    outbox.run_until_idle()
    taken = [
        r.json["sequence"] for r in receiver.about("jailbreak") if r.answered == 200
    ]
    assert taken == [new.seq, new.seq]  # only the latest went again


def test_a_retried_tombstone_does_not_overtake_a_new_term_at_its_slug(
    outbox, receiver, settings, make_term
):
    Endpoint.objects.create(url=receiver.url)
    make_term("Reused", cite=False)
    outbox.run_until_idle()
    settings.GLOSSARY_WEBHOOK_BACKOFF_SECONDS = 1
    receiver.answer(503, about="reused")
    Term.objects.get(slug="reused").delete()
    outbox.run_until_idle()  # the tombstone fails once, waits ~0.5-1 s
    make_term("Reused", cite=False)  # another term, the same slug
    outbox.run_until_idle()
    time.sleep(1.1)
    outbox.run_until_idle()
    last = [r for r in receiver.about("reused") if r.answered == 200][-1]
    assert last.json["deleted"] is False, last.json["event"]


def test_a_backlogged_endpoint_does_not_hold_up_another(outbox, monkeypatch):
    slow = Endpoint.objects.create(url="http://slow.example.org/")
    fast = Endpoint.objects.create(url="http://fast.example.org/")
    Delivery.objects.bulk_create(
        Delivery(
            endpoint=slow,
            seq=n,
            event="term.updated",
            kind="term",
            resource_id=n,
            key=f"t{n}",
            body="{}",
        )
        for n in range(1, 151)
    )
    Delivery.objects.create(
        endpoint=fast,
        seq=200,
        event="term.updated",
        kind="term",
        resource_id=1,
        key="t1",
        body="{}",
    )
    release = threading.Event()
    monkeypatch.setattr(
        worker_module, "send", lambda *_: release.wait() or Result(200, "")
    )
    worker = Worker(concurrency=4)
    with ThreadPoolExecutor(4) as pool:
        try:
            worker.start(pool)
            started = {d.endpoint_id for d in worker.in_flight.values()}
        finally:
            release.set()
    assert fast.pk in started


def test_an_answer_a_byte_at_a_time_is_cut_off_before_its_claim_ends():
    class Trickle(socketserver.BaseRequestHandler):
        def handle(self):
            self.request.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 30 + b"\r\n\r\n":
                self.request.sendall(bytes([byte]))
                time.sleep(0.1)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Trickle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        timeout = 0.3
        began = time.monotonic()
        result = http.post(
            f"http://127.0.0.1:{server.server_address[1]}/", b"{}", {}, timeout
        )
        assert time.monotonic() - began < timeout * CLAIM_TIMEOUTS
        assert (result.status, result.text) == (
            None,
            "timed out: no full answer within 0.3 s",
        )
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    "host",
    [
        "[2002:7f00:1::]",  # 6to4 of 127.0.0.1
        "[2002:a9fe:a9fe::]",  # 6to4 of 169.254.169.254
        "[64:ff9b::a9fe:a9fe]",  # NAT64 of 169.254.169.254
        "[::ffff:0:7f00:1]",  # IPv4-translated 127.0.0.1
        "[::7f00:1]",  # IPv4-compatible 127.0.0.1
        "[fec0::1]",  # site-local
        "[2001:0:4136:e378:8000:63bf:3fff:fdd2]",  # Teredo
    ],
)
def test_internal_addresses_in_ipv6_forms_are_refused(db, settings, host):
    settings.GLOSSARY_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(urls.Refused):
        urls.resolve(f"http://{host}/")
