"""A front-end on another origin reads a term and changes it with a
conditional write, as a browser's fetch() does it: CORS preflight, an ETag
it can read, and If-Match it may send."""

import pytest
from rest_framework.authtoken.models import Token

from terms.accounts import create_editor
from terms.models import Term

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WRITE = """async ([url, token]) => {
    const auth = {Authorization: `Token ${token}`};
    const read = await fetch(url, {headers: auth});
    const etag = read.headers.get("ETag");
    const change = (title) => fetch(url, {
        method: "PATCH",
        headers: {...auth, "Content-Type": "application/json", "If-Match": etag},
        body: JSON.stringify({title}),
    });
    const written = await change("Written from another origin");
    const stale = await change("Written over a newer version");
    return {
        read: read.status,
        etag,
        written: written.status,
        writtenEtag: written.headers.get("ETag"),
        stale: stale.status,
        staleDetail: (await stale.json()).detail,
    };
}"""


def front_end_page(browser, origin: str):
    """A page of another origin than the API's (any page of it stands in for
    the front-end). Both are on this machine: a public page calling
    localhost would meet the browser's local network rules instead."""
    page = browser.new_page()
    page.goto(f"{origin}/admin/login/")
    return page


def test_a_cross_origin_front_end_makes_a_conditional_write(
    browser, live_server, make_term, settings
):
    api = live_server.url  # http://localhost:<port>
    front_end = api.replace("localhost", "127.0.0.1")
    settings.CORS_ALLOWED_ORIGINS = [front_end]
    term = make_term("Reward hacking")
    user = create_editor("tool", "", "a-long-test-password", reviewer=True)
    token = Token.objects.create(user=user).key

    page = front_end_page(browser, front_end)
    result = page.evaluate(WRITE, [f"{api}/api/v1/terms/{term.slug}/", token])

    assert result["read"] == 200
    assert result["etag"]  # exposed to the page's script
    assert result["written"] == 200
    assert result["writtenEtag"] not in (None, result["etag"])
    assert result["stale"] == 412
    assert "changed since you read it" in result["staleDetail"]
    assert Term.objects.get(pk=term.pk).title == "Written from another origin"


def test_an_origin_not_allowed_cannot_read_the_answer(browser, live_server, make_term):
    term = make_term("Specification gaming")
    front_end = live_server.url.replace("localhost", "127.0.0.1")
    page = front_end_page(browser, front_end)
    outcome = page.evaluate(
        "url => fetch(url).then(() => 'read', () => 'refused')",
        f"{live_server.url}/api/v1/terms/{term.slug}/",
    )
    assert outcome == "refused"
