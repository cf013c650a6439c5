import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[1]


class AssetCollector(HTMLParser):
    """Every URL a browser loads by itself: scripts, stylesheets, icons."""

    def __init__(self):
        super().__init__()
        self.scripts: list[str] = []
        self.links: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        elif tag == "link" and attrs.get("href"):
            for rel in (attrs.get("rel") or "").lower().split():
                self.links.setdefault(rel, []).append(attrs["href"])

    @property
    def urls(self) -> list[str]:
        return self.scripts + [url for urls in self.links.values() for url in urls]


@pytest.fixture
def docs_page(api):
    response = api.get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = AssetCollector()
    page.feed(response.content.decode())
    return page


def test_docs_page_loads_its_script_stylesheet_and_favicon(docs_page):
    assert docs_page.scripts
    assert docs_page.links.get("stylesheet")
    assert docs_page.links.get("icon")


def test_docs_page_loads_nothing_from_another_host(docs_page):
    outside = [url for url in docs_page.urls if not url.startswith(settings.STATIC_URL)]
    assert outside == []


def test_every_file_the_docs_page_loads_is_shipped_as_a_static_file(docs_page):
    missing = [
        url
        for url in docs_page.urls
        if not finders.find(url.removeprefix(settings.STATIC_URL))
    ]
    assert missing == []


def test_the_docs_assets_are_served_by_the_app_itself(client):
    page = client.get("/api/docs/").content.decode()
    (script,) = re.findall(r'src="(/static/[^"]+swagger-ui-bundle\.js)"', page)
    response = client.get(script)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)


# The README and docs/ call manage.py one way: with the Python `make install`
# puts in .venv, which works without activating anything.
PYTHON = ".venv/bin/python "
DOCUMENTS = [
    "README.md",
    ".env.example",
    *sorted(f"docs/{page.name}" for page in (ROOT / "docs").glob("*.md")),
]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_documents_call_manage_py_one_way(document):
    text = (ROOT / document).read_text()
    commands = "|".join(get_commands())
    calls = re.finditer(rf"manage\.py\s+(?:{commands})\b", text)
    others = [
        text[: call.end()].splitlines()[-1].strip()
        for call in calls
        if not text[: call.start()].endswith(PYTHON)
    ]
    assert others == []
