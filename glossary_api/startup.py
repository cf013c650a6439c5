"""When the site cannot start: one paragraph saying what to fix, not a traceback.

The settings raise SettingsError for a deploy-time value that is missing or
wrong, with a message saying what to set; a database that does not accept a
connection is named by its address (terms/outages.py). manage.py, gunicorn's
config (glossary_api/gunicorn.py) and pytest (glossary_api/pytest_plugin.py)
print those as `Error: <message>`; any other error is a bug and keeps its
traceback.
"""

import sys
import threading
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

# As for a command-line mistake: the environment, not the code, is wrong.
EXIT_STATUS = 2


class SettingsError(ImproperlyConfigured):
    """An environment variable is missing or wrong; the message says which,
    and what to set it to."""


def explain(error: BaseException) -> str | None:
    """What to fix, for an error the environment causes; else None."""
    if isinstance(error, SettingsError):
        return str(error)
    from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

    if not isinstance(error, DatabaseError):
        return None
    from terms.api.unavailable import UNAVAILABLE
    from terms.outages import database_unreachable

    if isinstance(error, UNAVAILABLE):
        # Only if the database cannot be reached: an error in a query (a
        # missing table, say) is not the address's fault. Commands close
        # their connections as they end, so connect again to tell.
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            connection.ensure_connection()
        except UNAVAILABLE as refused:
            return database_unreachable(connection, refused)
    return None


def report(message: str):
    print(f"Error: {message}", file=sys.stderr)


def run(main: Callable, *args):
    """main(*args), exiting with one line instead of a traceback for what
    explain() knows (unless the command line asks for --traceback)."""
    try:
        return main(*args)
    except Exception as error:
        message = explain(error)
        if message is None or "--traceback" in sys.argv:
            raise
        report(message)
        sys.exit(EXIT_STATUS)


def manage(argv: list[str]):
    """manage.py's commands, runserver's thread included."""
    from django.core.management import execute_from_command_line

    threading.excepthook = report_thread_error
    run(execute_from_command_line, argv)


def report_thread_error(args: threading.ExceptHookArgs):
    """runserver checks the database in a thread (its autoreloader runs the
    server in one), which then stops; the autoreloader waits for a change."""
    message = explain(args.exc_value)
    if message is None:
        threading.__excepthook__(args)
    else:
        report(message)
