"""A term's sources and further reading in the formats reference managers
read: BibTeX (written by pybtex) and CSL-JSON (the JSON of Zotero, Pandoc
and every Citation Style Language processor).

Sources store their authors as cited ("Bai et al.", "Howard and Ruder"):
names listed in full become one author each; "et al." is BibTeX's
"and others", and in CSL-JSON, which has no such name, the text as cited.
"""

import io
import re

from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.output.bibtex import Writer

from terms.models import Citation, Source, Term

ET_AL = re.compile(r"\s*\bet al\.?$")
NAME_SEPARATORS = re.compile(r"\s*(?:,|\band\b|&)\s*")
ARXIV = "arXiv:"

# Per kind: the BibTeX entry type and the field naming the publisher, then
# the CSL type and its publisher variable.
KINDS = {
    Source.Kind.PAPER: ("misc", "organization", "article", "publisher"),
    Source.Kind.ARTICLE: ("article", "journal", "article-journal", "container-title"),
    Source.Kind.BOOK: ("book", "publisher", "book", "publisher"),
    Source.Kind.REPORT: ("techreport", "institution", "report", "publisher"),
    Source.Kind.WEBPAGE: ("misc", "organization", "webpage", "container-title"),
}


def cited_sources(term: Term) -> list[Source]:
    """The term's sources in their numbering, then its further reading; each
    source once. `term` comes with its citations (Term.with_related())."""
    citations = sorted(
        term.citations.all(),
        key=lambda c: (c.role != Citation.Role.SOURCE, c.position, c.id),
    )
    return list({c.source_id: c.source for c in citations}.values())


def author_names(authors: str) -> tuple[list[str], bool]:
    """The names listed, and whether "et al." follows them."""
    listed = ET_AL.sub("", authors)
    names = [name for name in NAME_SEPARATORS.split(listed) if name]
    return names, listed != authors


def identifiers(source: Source) -> tuple[str, str]:
    """(arXiv id, DOI) of the source, either or both empty."""
    if source.identifier.startswith(ARXIV):
        return source.identifier.removeprefix(ARXIV), ""
    return "", source.identifier


def csl_item(source: Source) -> dict:
    _, _, kind, publisher_field = KINDS[source.kind]
    names, et_al = author_names(source.authors)
    authors = [{"literal": source.authors}] if et_al else [{"family": n} for n in names]
    item = {
        "id": source.key,
        "type": kind,
        "title": source.title,
        "author": authors,
        "issued": {"date-parts": [[source.year]]},
    }
    if source.publisher:
        item[publisher_field] = source.publisher
    arxiv, doi = identifiers(source)
    if arxiv:
        item |= {"archive": "arXiv", "number": arxiv}
    if doi:
        item["DOI"] = doi
    item["URL"] = source.url
    return item


def csl_json(term: Term) -> list[dict]:
    return [csl_item(source) for source in cited_sources(term)]


# Plain text to LaTeX, before pybtex's encoding (which leaves these alone,
# as if the text were LaTeX already). A brace, even escaped, would count
# towards BibTeX's brace balance, so braces become text commands.
LATEX = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "$": r"\$",
        "^": r"\textasciicircum{}",
    }
)
# Read verbatim by biblatex: written as they are.
VERBATIM = {"url", "doi", "eprint"}


class BibTeXWriter(Writer):
    def _write_field(self, stream, type, value):
        if type in VERBATIM:  # a brace in a URL is the same URL escaped
            value = value.replace("{", "%7B").replace("}", "%7D")
            stream.write(f",\n    {type} = {self.quote(value)}")
        else:
            super()._write_field(stream, type, value.translate(LATEX))


def bibtex_entry(source: Source) -> Entry:
    kind, publisher_field, _, _ = KINDS[source.kind]
    names, et_al = author_names(source.authors)
    fields = {"title": source.title, "year": str(source.year)}
    if source.publisher:
        fields[publisher_field] = source.publisher
    arxiv, doi = identifiers(source)
    if arxiv:
        fields |= {"eprint": arxiv, "archivePrefix": "arXiv"}
    if doi:
        fields["doi"] = doi
    fields["url"] = source.url
    persons = [Person(name.translate(LATEX)) for name in names]
    persons += [Person("others")] if et_al else []
    return Entry(kind, fields=fields, persons={"author": persons})


def bibtex(term: Term) -> str:
    entries = {source.key: bibtex_entry(source) for source in cited_sources(term)}
    stream = io.StringIO()
    BibTeXWriter().write_stream(BibliographyData(entries), stream)
    return stream.getvalue()
