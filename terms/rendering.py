"""Markdown to HTML that is safe to put in a page as it is."""

import html
import threading

import markdown
import nh3

# What Markdown produces, less anything that can run script or restyle a page.
ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li",
    "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}


class MarkdownTooDeep(ValueError):
    pass


class Parsers(threading.local):
    """One Markdown parser per thread, reset for each text: setting one up
    costs more than converting a definition. A conversion that fails may
    leave it half-way through its state, so it is then thrown away."""

    def convert(self, text: str) -> str:
        if not hasattr(self, "parser"):
            self.parser = markdown.Markdown(extensions=["tables", "sane_lists"])
        try:
            return self.parser.reset().convert(text)
        except BaseException:
            del self.parser
            raise


parsers = Parsers()


def markdown_to_html(text: str) -> str:
    """Unsanitised HTML; MarkdownTooDeep when nesting exhausts the parser."""
    try:
        return parsers.convert(text)
    except RecursionError as error:
        raise MarkdownTooDeep from error


def render_markdown(text: str) -> str:
    if not text:
        return ""
    try:
        rendered = markdown_to_html(text)
    except MarkdownTooDeep:  # refused on save; stored before that rule: as text
        rendered = f"<p>{html.escape(text)}</p>"
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
