"""A dependency (the shared cache, the database) this process found down:
when to try it again, and a warning when the outage starts and then at most
once a minute while it lasts, not once per request. An outage ends when the
dependency answers again (for those that can tell) or after a minute
without a failure. A database that refuses the first connection a command
makes is named with its address instead (database_unreachable)."""

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


def database_address(connection) -> str:
    """Where a database connection goes, without its user or password."""
    settings = connection.settings_dict
    name = connection.display_name
    if connection.vendor == "sqlite":
        return f"{name} at {settings['NAME']}"
    host, port = settings["HOST"], settings["PORT"] or 5432
    if not host:
        return f"{name} on this machine's socket, port {port}"
    return f"{name} at {f'[{host}]' if ':' in host else host}:{port}"


def database_unreachable(connection, error: Exception) -> str:
    """Why a command cannot start: the database's address, the driver's
    reason and what to check, in one paragraph."""
    # psycopg: 'connection failed: connection to server at "…", port 5999
    # failed: Connection refused\n\tIs the server running…'
    reason = str(error).splitlines()[0].rpartition("failed: ")[2]
    reason = reason.removeprefix("FATAL:").strip()
    reason = reason[:1].lower() + reason[1:]
    if connection.vendor == "sqlite":
        check = "that its folder exists and this user may write to it"
    else:
        check = (
            f"that {connection.display_name} is running there and that "
            "DATABASE_URL names the right host, port, user, password and database"
        )
    return (
        f"Cannot connect to {database_address(connection)} (DATABASE_URL): "
        f"{reason}. Check {check}."
    )
