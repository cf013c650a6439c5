"""pytest (`-p glossary_api.pytest_plugin` in pyproject.toml): settings that do
not load, or a database server that does not answer, stop the run with one
line saying what to fix (glossary_api/startup.py), not a traceback for the
run or for each test."""

import pytest

from glossary_api import startup


def explain(error: BaseException | None) -> str | None:
    """What startup.explain() says of the error or of one it was raised
    from: pytest-django re-raises the settings' error as an ImportError, and
    the test database's creation warns (an error here) of a refused one."""
    while error is not None:
        if message := startup.explain(error):
            return message
        error = error.__cause__ or error.__context__
    return None


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config, parser, args):
    # pytest-django loads the settings here, after pytest-env has set the
    # environment.
    try:
        return (yield)
    except ImportError as error:
        if message := explain(error):
            raise pytest.UsageError(message) from None
        raise


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    try:
        return (yield)
    except Exception as error:
        if fixturedef.argname != "django_db_setup":
            raise
        # explain() connects again to tell a refused connection from others.
        with request.getfixturevalue("django_db_blocker").unblock():
            message = explain(error)
        if message is None:
            raise
        pytest.exit(f"Error: {message}", returncode=startup.EXIT_STATUS)
