"""The addresses of the benchmark's cursor rows: the term list's first and
last pages by `?pagination=cursor`, each address once.

A page of a cursor walk is the `page_size` terms after its cursor, a
position in the list (terms/api/pagination.py), so the pages near either
end of the list come in many distinct addresses: every cursor one, two, …
terms in, with every page size that stays inside the window. Sent each
once, more of them than the response cache holds, every request reaches
the view: the rows compare what the first page and the last one cost,
not their replays.
"""

import json
import random
from urllib.parse import parse_qs, urlsplit

from bench.server import fetch

LIST = "/api/v1/terms/?pagination=cursor"
# Pages lie within this many terms of either end: page sizes up to the
# list's maximum, WINDOW * (WINDOW + 1) / 2 addresses at each end.
WINDOW = 100


def first_and_last(port: int) -> tuple[list[str], list[str]]:
    """Every page within the list's first WINDOW terms (the first page
    itself, with each page size, among them); and every last page, one
    whose terms end with the list's last, starting within its last WINDOW
    terms. The nth page of each holds as many terms, in one shuffled
    order: a run too short to send them all sends the same mix of page
    sizes at both ends."""
    walk = Walk(port)
    # After[j]: the cursor j terms in (none: the first page). Before[k]: the
    # cursor k terms before the end, whose page is the last k terms with
    # any page size from k up.
    after = [None, *walk.cursors(None, WINDOW - 1)]
    tail = walk.tail()
    before = dict(zip(range(len(tail), 0, -1), tail, strict=True))
    pairs = [
        (address(after[skipped], size), address(before[size], size + skipped))
        for size in range(1, WINDOW + 1)
        for skipped in range(WINDOW - size + 1)
        if skipped < len(after) and size in before
    ]
    random.Random(0).shuffle(pairs)
    return [first for first, _ in pairs], [last for _, last in pairs]


def address(cursor: str | None, size: int) -> str:
    return f"{LIST}&page_size={size}" + (f"&cursor={cursor}" if cursor else "")


class Walk:
    def __init__(self, port: int):
        self.port = port

    def page(self, cursor: str | None, size: int) -> tuple[list, str | None]:
        """A page's results and the cursor its `next` link holds."""
        # Not an address a row sends (the parameters in another order), so
        # that finding them leaves none of them in the response cache.
        path = f"/api/v1/terms/?page_size={size}&pagination=cursor" + (
            f"&cursor={cursor}" if cursor else ""
        )
        status, _, body = fetch(self.port, path)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}: {body[:300]!r}")
        page = json.loads(body)
        following = page["next"] and parse_qs(urlsplit(page["next"]).query)["cursor"]
        return page["results"], following and following[0]

    def cursors(self, cursor: str | None, count: int) -> list[str]:
        """The cursors after each of the `count` terms that follow `cursor`,
        but the list's last (nothing follows it)."""
        found = []
        while len(found) < count:
            _, cursor = self.page(cursor, 1)
            if cursor is None:
                break
            found.append(cursor)
        return found

    def tail(self) -> list[str]:
        """The cursors before each of the list's last WINDOW terms (or all
        of them, in a shorter list), the farthest from the end first."""
        starts: list[str | None] = [None]  # where each page of the walk starts
        while True:
            _, following = self.page(starts[-1], WINDOW)
            if following is None:
                break
            starts.append(following)
        # The last two pages hold the last WINDOW terms, and up to WINDOW more.
        start = starts[-2] if len(starts) > 1 else None
        cursors = ([start] if start else []) + self.cursors(start, 2 * WINDOW)
        return cursors[-WINDOW:]
