import os

from django.db import connection


def test_database_url_selects_the_database(db):
    url = os.environ.get("DATABASE_URL", "")
    expected = (
        "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    )
    assert connection.vendor == expected
