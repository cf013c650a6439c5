"""How a long command shows how far it has got.

Work code (the import, the export, the generator, building documents) takes
a Progress and reports its steps to it, without knowing where they go:

    with progress.step("Writing", total=len(records)) as step:
        for batch in batches:
            ...
            step.advance(len(batch))

A command picks one with shown_on(): a bar on a terminal (tqdm), a plain
line every `interval` seconds otherwise (a cron log, CI: no carriage
returns, and nothing at all for a run shorter than that), nothing when
quiet.
"""

import time
from collections.abc import Callable
from typing import TextIO

from tqdm import tqdm

INTERVAL = 10.0  # seconds between plain lines, by default


class Step:
    """One stage of the work, `total` units long if it is known. Used as a
    context manager: leaving the block ends the step."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        self.close(finished=kind is None)

    def advance(self, n: int = 1):
        pass

    def close(self, *, finished: bool = True):
        pass


class Progress:
    """Shows nothing: what work code gets when nobody is watching."""

    def step(self, label: str, total: int | None = None, unit: str = "records"):
        if total == 0:
            return Step()
        return self.start(label, total, unit)

    def start(self, label: str, total: int | None, unit: str) -> Step:
        return Step()


SILENT = Progress()


class _Tqdm(tqdm):
    # No monitor thread: the work advances its steps often enough, and a
    # command should leave no thread behind.
    monitor_interval = 0


class _BarStep(Step):
    def __init__(self, stream: TextIO, label: str, total: int | None, unit: str):
        self.bar = _Tqdm(
            total=total, desc=label, unit=f" {unit}", file=stream, dynamic_ncols=True
        )

    def advance(self, n: int = 1):
        self.bar.update(n)

    def close(self, *, finished: bool = True):
        self.bar.close()


class Bar(Progress):
    """A progress bar for each step, redrawn in place: for a terminal."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def start(self, label, total, unit):
        return _BarStep(self.stream, label, total, unit)


class _LineStep(Step):
    def __init__(self, lines: "Lines", label: str, total: int | None, unit: str):
        self.lines, self.label, self.total, self.unit = lines, label, total, unit
        self.done = 0
        self.started = self.last = lines.clock()
        self.said = False

    def advance(self, n: int = 1):
        self.done += n
        now = self.lines.clock()
        if now - self.last >= self.lines.interval:
            rate = self.done / max(now - self.started, 1e-6)
            share = f" ({100 * self.done // self.total}%)" if self.total else ""
            self.say(f"{self.count()}{share}, {rate:,.0f} {self.unit}/s")
            self.last = now

    def close(self, *, finished: bool = True):
        # A log that has said how far a step got also says that it ended.
        if self.said and finished:
            took = duration(self.lines.clock() - self.started)
            self.say(f"done, {self.count()} in {took}")

    def count(self) -> str:
        of = f" of {self.total:,}" if self.total else ""
        return f"{self.done:,}{of} {self.unit}"

    def say(self, text: str):
        self.lines.stream.write(f"{self.label}: {text}\n")
        self.lines.stream.flush()
        self.said = True


class Lines(Progress):
    """A plain line for a step once `interval` seconds have passed since the
    last one: for a log, which a bar redrawn with carriage returns garbles."""

    def __init__(
        self,
        stream: TextIO,
        interval: float = INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.stream, self.interval, self.clock = stream, interval, clock

    def start(self, label, total, unit):
        return _LineStep(self, label, total, unit)


def shown_on(
    stream: TextIO, *, quiet: bool = False, interval: float = INTERVAL
) -> Progress:
    if quiet:
        return SILENT
    if stream.isatty():
        return Bar(stream)
    return Lines(stream, interval)


def duration(seconds: float) -> str:
    """'3.2 s', '4 min 12 s', '1 h 3 min'."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, seconds = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s"
    return f"{minutes // 60} h {minutes % 60} min"
