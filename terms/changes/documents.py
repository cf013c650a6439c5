"""Stored documents: each published term's public JSON, JSON-LD and compact
list item, rendered once after it changes and then served as stored bytes.

A document records the term's public version it was built at, and the
shape of the representations then (terms/api/shape.py). It is served only
while no later change to the term is logged, its review state has not
turned with the date and its shape is the current one, which one indexed
query checks as it reads the bytes. Otherwise it is built again, by the
first read that needs it or by `manage.py build_documents` (after bulk
loads; after a deploy; daily, so that review states turn on time). When a
review state turns, or the shape changed, the rebuild logs the term as
changed, so its version, ETag, the sync feed and the CDN's purges say so.

Built documents hold no request: their absolute URLs start with ORIGIN,
which serving replaces with the origin the request came to.
"""

from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from terms import review
from terms.api.jsonld import JSONLDRenderer, term_page
from terms.api.serializers import TermDetailSerializer, TermListSerializer
from terms.api.shape import shape
from terms.models import Term
from terms.progress import SILENT, Progress

from . import versions
from .models import Change, Document
from .versions import Version, as_datetime

# A reserved name (RFC 2606): no link an editor writes can point there.
ORIGIN = "https://origin.glossary.invalid"
FORMATS = {"json": "detail", "jsonld": "jsonld", "compact": "compact"}
# Whether document d is current: built at the term's latest public change,
# in today's shape, and today within its review state. Parameters: the
# shape, today.
CURRENT = (
    "d.shape = %s AND (d.fresh_until IS NULL OR d.fresh_until > %s) "
    "AND NOT EXISTS ("
    f"SELECT 1 FROM {Change._meta.db_table} c WHERE c.resource_id = d.term_id "
    "AND c.kind = 'term' AND c.seq > d.version)"
)
BATCH = 500
UPDATED = [
    "slug",
    "version",
    "changed_at",
    "fresh_until",
    "shape",
    "detail",
    "jsonld",
    "compact",
]


class Origin:
    """What the serializers need of a request to build absolute URLs: those
    of a site at `origin` (stored documents: ORIGIN, replaced when served)."""

    versioning_scheme = None
    GET: dict = {}  # no ?format= to carry into links

    def __init__(self, origin: str = ORIGIN):
        self.origin = origin.rstrip("/")

    def build_absolute_uri(self, location: str) -> str:
        return self.origin + location


@dataclass(frozen=True)
class Stored:
    term_id: int
    version: Version
    body: str

    def served(self, request) -> str:
        return self.body.replace(ORIGIN, request.build_absolute_uri("/")[:-1])


def current(columns: str, where: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {Document._meta.db_table} d "
            f"WHERE {where} AND {CURRENT}",
            [*params, shape(), timezone.localdate()],
        )
        return cursor.fetchall()


def read(where: str, params: list, form: str) -> list[Stored]:
    rows = current(
        f"d.term_id, d.version, d.changed_at, d.{FORMATS[form]}", where, params
    )
    return [
        Stored(term_id, Version(number, changed_at and as_datetime(changed_at)), body)
        for term_id, number, changed_at, body in rows
    ]


def by_slug(slug: str, form: str) -> Stored | None:
    """A published term's document in `form`; None if no term has the slug."""
    stored = read("d.slug = %s", [slug], form)
    if stored:
        return stored[0]
    ids = list(Term.objects.published().filter(slug=slug).values_list("pk", flat=True))
    return build(ids, form).get(ids[0]) if ids else None


def by_ids(ids: list[int], form: str) -> dict[int, Stored]:
    """The documents of these published terms in `form`, by term id."""
    marks = ", ".join(["%s"] * len(ids)) or "NULL"
    found = {s.term_id: s for s in read(f"d.term_id IN ({marks})", ids, form)}
    missing = [pk for pk in ids if pk not in found]
    return found | (build(missing, form) if missing else {})


def build(ids: list[int], form: str = "json") -> dict[int, Stored]:
    """Render and store the documents of those of `ids` that are published;
    returns them in `form`, by term id."""
    with transaction.atomic():
        log_turned(ids)
        # Read before what they are built from: a change committed in
        # between makes a document look older, never newer.
        numbers = versions.of_many(Change.Kind.TERM, ids)
        terms = Term.objects.published().with_related().filter(pk__in=ids)
        documents = render(list(terms), numbers)
        built = {d.term_id for d in documents}
        Document.objects.filter(term_id__in=set(ids) - built).delete()
        # Two readers may build one document at once: the last one stays.
        Document.objects.bulk_create(
            documents,
            update_conflicts=True,
            unique_fields=["term"],
            update_fields=UPDATED,
        )
    column = FORMATS[form]
    return {
        d.term_id: Stored(
            d.term_id, Version(d.version, d.changed_at), getattr(d, column)
        )
        for d in documents
    }


def build_stale(batch: int = BATCH) -> int:
    """Build every published term's document that is missing or not current;
    returns how many were built."""
    built = {term_id for (term_id,) in current("d.term_id", "TRUE", [])}
    stale = [
        pk
        for pk in Term.objects.published().order_by("pk").values_list("pk", flat=True)
        if pk not in built
    ]
    for start in range(0, len(stale), batch):
        build(stale[start : start + batch])
    return len(stale)


def log_turned(ids: list[int]):
    """Log as changed the terms whose stored review state the date turned,
    or whose document was built in another shape: what they show changed."""
    turned = (
        Document.objects.filter(term_id__in=ids)
        .filter(Q(fresh_until__lte=timezone.localdate()) | ~Q(shape=shape()))
        .values_list("term_id", "slug")
    )
    if not turned.exists():
        return
    versions.lock()
    # Read again under the lock: two readers may find the same document stale,
    # and the first logs and rebuilds it while the second waits here.
    rows = [
        Change(
            kind=Change.Kind.TERM,
            resource_id=term_id,
            key=slug,
            changed_at=timezone.now(),
        )
        for term_id, slug in turned
    ]
    Change.objects.bulk_create(rows)


def render(terms: list, numbers: dict[int, Version]) -> list[Document]:
    """The documents of these terms (fetched with_related()), rendered as a
    batch: each serializer's fields are set up once, not once per term."""
    for term in terms:
        term.version = numbers.get(term.pk, Version.none()).number
    context = {"request": Origin(), "format": None}
    details = TermDetailSerializer(terms, many=True, context=context).data
    items = TermListSerializer(terms, many=True, context=context).data
    json, jsonld = JSONRenderer(), JSONLDRenderer()
    current_shape = shape()
    return [
        Document(
            term=term,
            slug=term.slug,
            version=term.version,
            changed_at=numbers.get(term.pk, Version.none()).changed_at,
            fresh_until=review.next_turn(term.last_reviewed, term.review_due),
            shape=current_shape,
            detail=json.render(detail).decode(),
            jsonld=jsonld.render(term_page(term)).decode(),
            compact=json.render(item).decode(),
        )
        for term, detail, item in zip(terms, details, items, strict=True)
    ]


def build_changed_since(seq: int, progress: Progress = SILENT) -> int:
    """Build the documents of the terms logged as changed after `seq`."""
    changed = Change.objects.filter(kind=Change.Kind.TERM, seq__gt=seq)
    # A bulk load logs a term once for each of its rows (868,810 entries for
    # 92,044 terms at 100,000): read them a chunk at a time, keeping each
    # term once, rather than all at once (100 MB for a moment). Not DISTINCT
    # in SQL: SQLite then reads the whole log's index instead of the entries
    # after `seq`, 136 ms on every write at 100,000 terms (docs/benchmarks.md).
    entries = changed.values_list("resource_id", flat=True)
    ids = sorted(set(entries.iterator(chunk_size=2000)))
    with progress.step("Building documents", len(ids), "terms") as step:
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            build(batch)
            step.advance(len(batch))
    return len(ids)


def build_after_commit(using: str = "default", progress: Progress = SILENT):
    """Build, once this transaction commits, the documents of the terms it
    changed (a write that saves models calls this before it writes)."""
    connection = connections[using]
    if any(
        getattr(f, "builds_documents", False) for _, f, _ in connection.run_on_commit
    ):
        return  # this transaction will already
    since = versions.head().number

    def build_now():
        build_changed_since(since, progress)

    build_now.builds_documents = True
    transaction.on_commit(build_now, using=using, robust=True)


@contextmanager
def kept_current(progress: Progress = SILENT):
    """Around a bulk write (a load, an import): build the documents of the
    terms it changed when it ends."""
    since = versions.head().number
    yield
    build_changed_since(since, progress)
