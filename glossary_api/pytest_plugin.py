"""pytest (`-p glossary_api.pytest_plugin` in pyproject.toml): settings that do
not load stop the run with one line saying what to set (glossary_api/startup.py),
not the traceback of pytest-django's import of them."""

import pytest

from glossary_api import startup


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config, parser, args):
    # pytest-django loads the settings here (after pytest-env has set the
    # environment) and raises an ImportError of its own in their stead.
    try:
        return (yield)
    except ImportError as error:
        cause = error.__cause__ or error.__context__
        message = startup.explain(cause) if cause else None
        if message is None:
            raise
        raise pytest.UsageError(message) from None
