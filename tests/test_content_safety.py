"""Whatever an editor or a token holder writes, no script reaches a front-end.

Definitions and examples are Markdown, rendered to HTML through a sanitiser
(terms/rendering.py). Known XSS payloads go in through the write API and
through the ORM (as the admin, an import or loaddata would store them), and
come out of the read API: the HTML must hold no element that runs script, no
event handler, no style and no link a browser would follow to script. Plain
text fields (name, summary, aliases) are returned as they are, labelled as
JSON, never as HTML; the JSON-LD, which front-ends paste into a <script>
element, must not be able to close it.
"""

import json
import re
from html.parser import HTMLParser

import pytest

from terms.models import Alias

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "![x](https://evil.example/x.png){onerror=alert(1)}",
    '![x](x" onerror="alert(1))',
    "![x](javascript:alert(1))",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x]: javascript:alert(1)\n\n[y][x]",
    "<javascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav\tascript:alert(1)">x</a>',
    '<a href="javas\ncript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114'
    '&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    '<a href="https://ok.example" style="position:fixed;inset:0">x</a>',
    '[x](https://ok.example "t\\" onmouseover=\\"alert(1)")',
    '<abbr title="x" onmouseover="alert(1)">x</abbr>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">x</math>',
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<body onload=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    "<!--><script>alert(1)</script>-->",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    "*<img src=x onerror=alert(1)>*",
    "- <script>alert(1)</script>\n- [x](javascript:alert(1))",
    "> <iframe src=javascript:alert(1)>",
]

# Elements that run script, load a document or restyle the page.
FORBIDDEN_ELEMENTS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet",
    "svg", "math", "style", "link", "meta", "base", "template", "noscript",
    "form", "input", "button",
}  # fmt: skip
# Attributes a browser follows as a URL.
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "xlink:href", "srcset",
    "poster", "background", "cite", "longdesc", "ping",
}  # fmt: skip
SAFE_SCHEMES = {"http", "https", "mailto"}
C0_CONTROLS_AND_SPACE = "".join(chr(code) for code in range(0x21))


class _Elements(HTMLParser):
    """Every start tag with its attributes, values unescaped as a browser would."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))


def as_a_browser_reads(url: str) -> str:
    """A URL as a browser parses it (WHATWG URL): leading and trailing C0
    controls and spaces dropped, tabs and newlines dropped anywhere, any case."""
    return re.sub(r"[\t\n\r]", "", url.strip(C0_CONTROLS_AND_SPACE)).lower()


def url_scheme(url: str) -> str | None:
    match = re.match(r"([a-z][a-z0-9+.-]*):", as_a_browser_reads(url))
    return match.group(1) if match else None


def assert_safe(html: str):
    """Nothing in `html` runs script, loads a frame or restyles the page."""
    lowered = html.lower()
    assert "<script" not in lowered, html
    assert "<iframe" not in lowered, html
    parser = _Elements()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.elements:
        assert tag not in FORBIDDEN_ELEMENTS, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            assert name not in {"style", "srcdoc"}, html
            if name in URL_ATTRIBUTES and value is not None:
                assert url_scheme(value) in SAFE_SCHEMES | {None}, html
                assert "javascript:" not in as_a_browser_reads(value), html


def payload_id(payload: str) -> str:
    return payload[:40].encode("unicode_escape").decode()


@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=payload_id)
def test_payloads_written_through_the_api_come_out_inert(tool, payload):
    written = tool.post(
        "/api/v1/terms/",
        {
            "name": "Payload",
            "slug": "payload",
            "definition": payload,
            "example": payload,
        },
        format="json",
    )
    assert written.status_code == 201, written.json()
    read = tool.get("/api/v1/terms/payload/")
    for body in (written.json(), read.json()):
        assert_safe(body["definition_html"])
        assert_safe(body["example_html"])
        # The Markdown itself is content: returned as written, for editing.
        assert body["definition"] == payload


@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=payload_id)
def test_payloads_stored_directly_come_out_inert_to_anonymous_readers(
    make_term, api, payload
):
    # As the admin, an import or loaddata would store it: no API validation.
    make_term("Payload", definition=payload, example=payload)
    body = api.get("/api/v1/terms/payload/").json()
    assert_safe(body["definition_html"])
    assert_safe(body["example_html"])
    selected = api.get("/api/v1/terms/payload/?fields=definition_html,example_html")
    assert_safe(selected.json()["definition_html"])
    assert_safe(selected.json()["example_html"])


def test_a_patch_cannot_smuggle_script_into_an_existing_term(tool, make_term):
    make_term("Target")
    response = tool.patch(
        "/api/v1/terms/target/",
        {"example": '<img src=x onerror=alert(1)>[x](javascript:alert("x"))'},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert_safe(response.json()["example_html"])


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("*em* and **strong**", "<p><em>em</em> and <strong>strong</strong></p>"),
        (
            "[a link](https://example.org/x?a=1&b=2)",
            '<p><a href="https://example.org/x?a=1&amp;b=2" '
            'rel="noopener noreferrer">a link</a></p>',
        ),
        (
            "<https://example.org>",
            '<p><a href="https://example.org" rel="noopener noreferrer">'
            "https://example.org</a></p>",
        ),
        (
            "[write](mailto:editors@example.org)",
            '<p><a href="mailto:editors@example.org" rel="noopener noreferrer">'
            "write</a></p>",
        ),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
        ("1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>"),
        ("`a < b`", "<p><code>a &lt; b</code></p>"),
        (
            "Code:\n\n    indented code",
            "<p>Code:</p>\n<pre><code>indented code\n</code></pre>",
        ),
        ("## Heading", "<h2>Heading</h2>"),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
        ("A & B < C", "<p>A &amp; B &lt; C</p>"),
        (
            '<abbr title="Reinforcement learning">RL</abbr>',
            '<p><abbr title="Reinforcement learning">RL</abbr></p>',
        ),
    ],
)
def test_ordinary_markdown_still_renders(tool, markdown, html):
    response = tool.post(
        "/api/v1/terms/",
        {"name": "Plain", "slug": "plain", "definition": markdown},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["definition_html"] == html


def test_a_table_still_renders(make_term, api):
    make_term("Tabled", definition="| a | b |\n|---|---|\n| 1 | 2 |")
    html = api.get("/api/v1/terms/tabled/").json()["definition_html"]
    assert "<table>" in html
    assert "<td>1</td>" in html


def test_every_link_opens_without_handing_over_the_page(make_term, api):
    make_term(
        "Linked", definition='[a](https://a.example) <a href="https://b.example">b</a>'
    )
    parser = _Elements()
    parser.feed(api.get("/api/v1/terms/linked/").json()["definition_html"])
    links = [dict(attrs) for tag, attrs in parser.elements if tag == "a"]
    assert [link["href"] for link in links] == [
        "https://a.example",
        "https://b.example",
    ]
    assert all("noopener" in link["rel"].split() for link in links)


HOSTILE_TEXT = '</script><script>alert(1)</script><img src=x onerror=alert(1)> & "q"'


@pytest.fixture
def hostile_term(make_term):
    term = make_term("Plain text", summary=HOSTILE_TEXT, title=HOSTILE_TEXT)
    Alias.objects.create(term=term, name=HOSTILE_TEXT)
    return term


def test_plain_text_fields_are_returned_as_written_and_labelled_json(hostile_term, api):
    response = api.get("/api/v1/terms/plain-text/")
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.json()
    # Plain text, not HTML: escaping it is the page's job, so it is not escaped.
    assert body["summary"] == HOSTILE_TEXT
    assert body["title"] == HOSTILE_TEXT
    assert body["aliases"][0]["name"] == HOSTILE_TEXT
    listed = api.get("/api/v1/terms/")
    assert listed["Content-Type"] == "application/json"
    assert listed.json()["results"][0]["summary"] == HOSTILE_TEXT


def test_no_api_response_is_labelled_html(hostile_term, api):
    for path in [
        "/api/v1/terms/",
        "/api/v1/terms/plain-text/",
        "/api/v1/terms/plain-text/?format=jsonld",
        "/api/v1/index/",
        "/api/v1/autocomplete/?q=pl",
        "/api/v1/sources/",
        "/api/v1/categories/",
        "/api/v1/terms/no-such-term/",
    ]:
        response = api.get(path)
        assert "html" not in response["Content-Type"], path


def test_the_json_ld_cannot_close_the_script_element_it_is_pasted_into(
    hostile_term, api
):
    # A front-end puts this document in <script type="application/ld+json">;
    # a "</script>" in a name or summary would end that element and start
    # markup. JSON may spell "<", ">" and "&" as \\u003c, \\u003e, \\u0026.
    response = api.get("/api/v1/terms/plain-text/", HTTP_ACCEPT="application/ld+json")
    assert response["Content-Type"] == "application/ld+json"
    raw = response.content.decode()
    assert "<" not in raw
    assert ">" not in raw
    document = json.loads(raw)
    assert document["mainEntity"]["description"] == HOSTILE_TEXT
    assert document["mainEntity"]["alternateName"] == [HOSTILE_TEXT]
    assert document["name"] == HOSTILE_TEXT


def test_a_text_too_deep_to_render_leaves_the_next_one_rendered():
    from terms.rendering import render_markdown

    assert render_markdown("- " * 1000 + "deep").startswith("<p>- - ")  # as text
    assert render_markdown("For *example*.") == "<p>For <em>example</em>.</p>"
