"""A dependency (the shared cache, the database) this process found down:
when to try it again, and a warning when the outage starts and then at most
once a minute while it lasts, not once per request. An outage ends when the
dependency answers again (for those that can tell) or after a minute
without a failure."""

import logging
import time

logger = logging.getLogger(__name__)

# While a dependency stays down, one more warning this often.
LOG_EVERY_SECONDS = 60.0


class Outage:
    def __init__(self, name: str, consequence: str, retry_seconds: float = 0.0):
        self.name, self.consequence = name, consequence
        self.retry_seconds = retry_seconds
        self.reset()

    def reset(self):
        self.since = self.failed_at = self.retry_at = self.logged_at = None
        self.failures = 0

    @property
    def ongoing(self) -> bool:
        return self.since is not None

    def skip(self) -> bool:
        """Whether to not even try: within retry_seconds of the last failure."""
        return self.ongoing and time.monotonic() < self.retry_at

    def failed(self, error: Exception):
        now = time.monotonic()
        if self.failed_at is not None and now - self.failed_at > LOG_EVERY_SECONDS:
            self.reset()  # no failure for a while: it was back in between
        if self.since is None:
            self.since = now
        self.failures += 1
        self.failed_at = now
        self.retry_at = now + self.retry_seconds
        if self.logged_at is None or now - self.logged_at >= LOG_EVERY_SECONDS:
            self.logged_at = now
            logger.warning(
                "%s is unreachable (%s; %d failure(s) in %.0f s): %s. "
                "Logged at most every %.0f s while it lasts.",
                self.name,
                error,
                self.failures,
                now - self.since,
                self.consequence,
                LOG_EVERY_SECONDS,
            )

    def recovered(self):
        if self.ongoing:
            logger.warning(
                "%s is reachable again after %.0f s.",
                self.name,
                time.monotonic() - self.since,
            )
            self.reset()
