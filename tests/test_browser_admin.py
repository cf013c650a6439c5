"""The editors' admin driven in a real browser: headless Chromium via Playwright.

The browser is Debian's `chromium` (Playwright's own downloads do not work on
these machines); `.ci/install-browser` installs it. Without it these tests
are skipped (tests/prerequisites.py). The tests talk to a live test server,
and read their results back from the public API over HTTP.
"""

import json
import re
import urllib.error
import urllib.request
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from terms.accounts import create_editor

PASSWORD = "a-long-browser-test-password"

# A live server needs committed rows, so each test flushes the database after
# it; serialized_rollback puts back what the migrations made (the Reviewers
# group among it) before the next one.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def reviewer(settings):
    """An editor in the Reviewers group, as an administrator would create one."""
    # The login page is real; the password hashing needn't take a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    def make(username):
        return create_editor(
            username, f"{username}@example.org", PASSWORD, reviewer=True
        )

    return make


@pytest.fixture
def admin_page(browser, live_server, request, tmp_path):
    """A browser of its own for each user, logged in through the login page.

    A failing test leaves a screenshot of each page in its tmp_path.
    """
    pages = []
    failed_before = request.session.testsfailed

    def log_in(user) -> Page:
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(10_000)
        page = context.new_page()
        pages.append((user.username, page))
        page.goto("/admin/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        expect(page.locator("#user-tools")).to_contain_text(user.username)
        return page

    yield log_in
    if request.session.testsfailed > failed_before:
        for username, page in pages:
            path = tmp_path / f"{username}.png"
            page.screenshot(path=path, full_page=True)
            print(f"Screenshot of {username}'s page: {path}")


def change_url(term) -> str:
    return f"/admin/terms/term/{term.pk}/change/"


def save(page: Page):
    with page.expect_navigation():
        page.click("input[name=_save]")


def assert_saved(page: Page):
    errors = page.locator(".errornote, .errorlist")
    assert not errors.count(), errors.all_inner_texts()
    expect(page.locator(".messagelist .success")).to_contain_text(
        "was changed successfully"
    )


def choose_in_autocomplete(page: Page, select_id: str, typed: str, choice: str):
    """Pick the one result of an admin autocomplete (select2) after typing."""
    page.click(f"#{select_id} + .select2 .select2-selection")
    search = page.locator(".select2-container--open .select2-search__field")
    search.press_sequentially(typed)
    # Waits for the search to narrow the list (or shows what select2 said).
    results = page.locator(".select2-results__option")
    expect(results).to_have_text([re.compile(re.escape(choice))])
    results.click()


def api_term(live_server, slug) -> dict:
    with urllib.request.urlopen(f"{live_server.url}/api/v1/terms/{slug}/") as reply:
        return json.load(reply)


def test_editor_edits_cites_reorders_and_reviews_a_term(
    admin_page, reviewer, live_server, make_term, make_source, link
):
    term = make_term("Reward model", last_reviewed=date(2025, 1, 15))
    cited = term.citations.get().source
    first, second, third = (make_term(name) for name in ("Alpha", "Beta", "Gamma"))
    for position, target in enumerate([first, second, third], start=1):
        link(term, target, position)
    oversight = make_source(title="Measuring progress on scalable oversight")
    make_source(title="Deep reinforcement learning from human preferences")
    editor = reviewer("rosalind")
    definition = "A model trained to score outputs as a **human rater** would."

    page = admin_page(editor)
    page.goto(change_url(term))
    page.fill("#id_definition", definition)
    # The inline's empty extra row comes after the one existing citation.
    choose_in_autocomplete(page, "id_citations-1-source", "oversig", oversight.title)
    expect(page.locator("#id_citations-1-source")).to_have_value(str(oversight.pk))
    page.fill("#id_citations-1-position", "2")
    new_positions = {third.pk: 1, first.pk: 2, second.pk: 3}
    for row in range(3):
        target = int(page.input_value(f"#id_see_also_links-{row}-target"))
        page.fill(f"#id_see_also_links-{row}-position", str(new_positions[target]))
    page.check("#id_mark_reviewed")
    save(page)
    assert_saved(page)

    published = api_term(live_server, term.slug)
    assert published["definition"] == definition
    assert [(s["number"], s["id"]) for s in published["sources"]] == [
        (1, cited.pk),
        (2, oversight.pk),
    ]
    assert [t["slug"] for t in published["see_also"]] == ["gamma", "alpha", "beta"]
    assert published["last_reviewed"] == timezone.localdate().isoformat()
    assert published["review_state"] == "fresh"
    term.refresh_from_db()
    assert term.reviewed_by == editor


def test_second_of_two_concurrent_saves_is_refused(
    admin_page, reviewer, live_server, make_term
):
    term = make_term("Scalable oversight")
    first_page = admin_page(reviewer("ada"))
    second_page = admin_page(reviewer("grace"))
    first_page.goto(change_url(term))
    second_page.goto(change_url(term))

    first_page.fill("#id_definition", "Ada's definition.")
    save(first_page)
    assert_saved(first_page)
    second_page.fill("#id_definition", "Grace's definition.")
    save(second_page)

    refusal = second_page.locator(".errorlist.nonfield")
    expect(refusal).to_contain_text("after you opened it")
    expect(refusal).to_contain_text("ada changed this term")
    # Grace's text is still on her screen, to redo on top of Ada's version.
    expect(second_page.locator("#id_definition")).to_have_value("Grace's definition.")
    assert api_term(live_server, term.slug)["definition"] == "Ada's definition."


def test_preview_opens_the_draft_on_the_front_end(
    admin_page, reviewer, live_server, make_term, settings
):
    """The front-end here is the API's own preview endpoint, which a real
    front-end would call with the token it is given."""
    settings.GLOSSARY_PREVIEW_URL = (
        f"{live_server.url}/api/v1/preview/?format=json&token={{token}}"
    )
    draft = make_term("Sycophancy", status="draft", definition="Telling **you**.")
    page = admin_page(reviewer("ada"))
    page.goto(change_url(draft))
    with page.context.expect_page() as opened:
        page.click("text=Preview")
    preview = opened.value
    preview.wait_for_load_state()
    shown = json.loads(preview.locator("body").inner_text())
    assert shown["slug"] == "sycophancy"
    assert shown["definition_html"] == "<p>Telling <strong>you</strong>.</p>"
    # Readers without the token still find no such term.
    with pytest.raises(urllib.error.HTTPError, match="404"):
        api_term(live_server, "sycophancy")


def test_a_refused_publish_is_named_where_the_editor_looks(
    admin_page, reviewer, make_term
):
    draft = make_term("Goodhart's law", status="draft", cite=False)
    page = admin_page(reviewer("ada"))
    page.goto(change_url(draft))
    page.select_option("#id_status", "published")
    save(page)

    summary = page.locator("#citations-errors-summary")
    expect(summary).to_contain_text("lacks at least one source, so it stays a draft")
    expect(summary).to_be_in_viewport()
    summary.get_by_role("link", name="Go to citations").click()
    expect(page.locator("#citations-group")).to_be_in_viewport()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_new_rows_are_numbered_after_the_last_and_rows_show_no_keys(
    admin_page, reviewer, make_term, link
):
    term = make_term("Reward hacking")
    for position, name in enumerate(["Alpha", "Beta"], start=1):
        link(term, make_term(name), position)
    page = admin_page(reviewer("ada"))
    page.goto(change_url(term))
    expect(page.locator("#id_see_also_links-2-position")).to_have_value("3")
    page.click("#see_also_links-group .add-row a")
    page.click("#see_also_links-group .add-row a")
    expect(page.locator("#id_see_also_links-3-position")).to_have_value("4")
    expect(page.locator("#id_see_also_links-4-position")).to_have_value("5")
    # Each stored row's label ("Reward hacking → Alpha") is not shown.
    labels = page.locator(".inline-group td.original p")
    assert labels.count() >= 3
    for label in labels.all():
        expect(label).to_be_hidden()


def test_two_versions_are_compared_and_a_revert_says_what_came_back(
    admin_page, reviewer, make_term
):
    term = make_term("Mesa-optimisation", definition="The first definition.")
    page = admin_page(reviewer("ada"))
    for definition in ("The second definition.", "The third definition."):
        page.goto(change_url(term))
        page.fill("#id_definition", definition)
        save(page)
        assert_saved(page)

    page.goto(f"/admin/terms/term/{term.pk}/history/")
    page.get_by_label("Compare from version 1").check()
    page.get_by_label("Compare to version 3").check()
    with page.expect_navigation():
        page.click("input[value='Compare selected versions']")
    changed = page.locator("#compare-versions tr.changed")
    expect(changed).to_have_count(1)
    expect(changed.locator("th")).to_have_text("Definition")
    expect(changed.locator("td")).to_have_text(
        ["The first definition.", "The third definition."]
    )

    page.goto(f"/admin/terms/term/{term.pk}/history/")
    page.click("text=Version 1")
    with page.expect_navigation():
        page.click("input[value='Revert']")
    expect(page.locator(".messagelist")).to_contain_text(
        "Back from that version: definition."
    )
    term.refresh_from_db()
    assert term.definition == "The first definition."
