"""Schemathesis against the app's own OpenAPI document, reads and writes.

The document is the one /api/schema/ serves, fetched in-process through the
WSGI application. Every operation gets a bounded number of generated requests,
valid and invalid ones, from a fixed seed, so a CI run is repeatable. They run
against the fixtures a deployment loads, every operation twice: anonymously,
as a front-end sends its reads, and with an editor's token, as an editors'
tool sends its writes; each is rolled back, so no example sees another's
writes.

Every check schemathesis has (its `--checks all`): among them no 5xx, a
documented status code, content type and body, a 4xx for invalid input, a
2xx for input the schema calls valid, no credentials ignored.
"""

import hypothesis
import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig
from schemathesis.core import NOT_SET

from terms.accounts import create_editor
from terms.models import Category, Citation, Source, Term

SEED = 11
EXAMPLES_PER_OPERATION = 100
# Fixed keys, so the header is known when the schema is loaded, before any test.
REVIEWER_TOKEN = "f0221fa5e0b7c8d9a1b2c3d4e5f60718293a4b5c"
ADMIN_TOKEN = "a0221fa5e0b7c8d9a1b2c3d4e5f60718293a4b5c"
REVIEWER = {"Authorization": f"Token {REVIEWER_TOKEN}"}
ADMIN = {"Authorization": f"Token {ADMIN_TOKEN}"}

IDENTITIES = {"anonymous": {}, "editor": REVIEWER}

# Input the schema calls valid that the server may still refuse, because
# whether it is valid depends on what the database holds, which no schema
# states: positive_data_acceptance expects these statuses too, on these
# operations only.
NAMES_RECORDS = "400"  # a category's slug, a source's id, a linked term's slug
STALE = "412"  # an If-Match that is not the resource's current version
BEYOND_THE_SCHEMA = {
    # category= and source= name records that may not exist.
    ("GET", "/api/v1/terms/"): [NAMES_RECORDS],
    # A cursor is opaque: only one the server wrote goes on.
    ("GET", "/api/v1/index/{letter}/"): [NAMES_RECORDS],
    ("GET", "/api/v1/sync/"): [NAMES_RECORDS],
    # Unique names, slugs and keys; cited sources and linked terms that exist;
    # the publishing rule; names without unassigned or invisible characters.
    ("POST", "/api/v1/terms/"): [NAMES_RECORDS],
    ("PUT", "/api/v1/terms/{slug}/"): [NAMES_RECORDS, STALE],
    ("PATCH", "/api/v1/terms/{slug}/"): [NAMES_RECORDS, STALE],
    ("DELETE", "/api/v1/terms/{slug}/"): [STALE],
    ("POST", "/api/v1/sources/"): [NAMES_RECORDS],
    ("PUT", "/api/v1/sources/{id}/"): [NAMES_RECORDS, STALE],
    ("PATCH", "/api/v1/sources/{id}/"): [NAMES_RECORDS, STALE],
    ("DELETE", "/api/v1/sources/{id}/"): [STALE],
}
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]  # schemathesis' own

config = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "operations": [
            {
                "include-method": method,
                "include-path": path,
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ACCEPTED + statuses
                    }
                },
            }
            for (method, path), statuses in BEYOND_THE_SCHEMA.items()
        ],
        "generation": {
            "max-examples": EXAMPLES_PER_OPERATION,
            "deterministic": True,
            "database": "none",
            # The test sends a valid token; it is not generated.
            "with-security-parameters": False,
        },
        "checks": {
            # Invalid input is refused with a 4xx, whichever one: a stale
            # If-Match, say, is refused (412) before the body is looked at.
            "negative_data_rejection": {"expected-statuses": ["4xx"]},
        },
        # Generated data only: the coverage and stateful phases would multiply
        # the run time, and the document carries no request examples.
        "phases": {
            "examples": {"enabled": False},
            # Data from the seed alone, not from earlier responses (which hold
            # ids that differ between databases and runs).
            "fuzzing": {
                "enabled": True,
                "extra-data-sources": {"responses": False},
                "error-feedback": {"enabled": False},
            },
            "coverage": {"enabled": False},
            "stateful": {"enabled": False},
        },
    }
)

schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json", get_wsgi_application(), config=config
)

# What the fixtures loaded, for path parameters to name (see the hook below).
REAL_KEYS: dict[str, list[str | int]] = {}


@pytest.fixture(scope="module")
def glossary(django_db_setup, django_db_blocker):
    """The fixtures and two token holders, loaded once for the whole module and
    rolled back at its end; each test's own transaction nests inside."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", "glossary", verbosity=0)
        reviewer = create_editor("fuzzer", "", "a-long-test-password", reviewer=True)
        Token.objects.create(user=reviewer, key=REVIEWER_TOKEN)
        admin = get_user_model().objects.create_superuser(
            "fuzz-admin", "", "a-long-test-password"
        )
        Token.objects.create(user=admin, key=ADMIN_TOKEN)
        REAL_KEYS["terms"] = list(Term.objects.values_list("slug", flat=True))
        REAL_KEYS["categories"] = list(Category.objects.values_list("slug", flat=True))
        REAL_KEYS["sources"] = list(
            Source.objects.order_by("pk").values_list("pk", flat=True)
        )
        yield
        transaction.set_rollback(True)
    REAL_KEYS.clear()


@pytest.fixture
def in_process_requests():
    """Keep the test's connection across requests, as Django's test client does:
    the handler's signals would close it, and the test's transaction with it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """A valid slug or id often names a record that exists, so reads and writes
    reach the serializers, not only the 404."""
    resource = context.operation.path.split("/")[3]  # /api/v1/<resource>/...
    name = "id" if resource == "sources" else "slug"
    value = (path_parameters or {}).get(name)
    if not isinstance(value, int if name == "id" else str) or isinstance(value, bool):
        return st.just(path_parameters)  # an invalid key stays invalid
    if not REAL_KEYS.get(resource):
        return st.just(path_parameters)
    real = st.sampled_from(REAL_KEYS[resource])
    # Real keys first: Hypothesis draws the first branch more often.
    return st.one_of(
        real.map(lambda key: {**path_parameters, name: key}), st.just(path_parameters)
    )


def call(case, headers):
    # Rate limits have their own tests; here every request starts from zero.
    cache.clear()
    with transaction.atomic():
        # Every check the config enables: all of them.
        response = case.call_and_validate(headers=headers)
        transaction.set_rollback(True)  # the next example sees the fixtures
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("identity", IDENTITIES)
@schema.parametrize()
@hypothesis.settings(deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_every_operation_answers_as_documented(
    case, identity, glossary, in_process_requests
):
    call(case, IDENTITIES[identity])


TERM = {
    "name": "Sycophancy",
    "slug": "sycophancy",
    "summary": "Telling users what they want to hear.",
    "definition": "Agreement **regardless** of truth.",
    "category": "alignment",
    "status": "published",
    "aliases": [{"name": "Flattery", "kind": "synonym"}],
    "citations": [{"source": "CITED", "role": "source"}],
    "see_also": ["ai-alignment"],
}
SOURCE = {
    "key": "perez2022discovering",
    "title": "Discovering Language Model Behaviors",
    "authors": "Perez et al.",
    "year": 2022,
    "identifier": "arXiv:2212.09251",
    "url": "https://arxiv.org/abs/2212.09251",
    "kind": "paper",
}
TERMS, A_TERM = "/api/v1/terms/", "/api/v1/terms/{slug}/"
SOURCES, A_SOURCE = "/api/v1/sources/", "/api/v1/sources/{id}/"
JAILBREAK = {"slug": "jailbreak"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "path_parameters", "body", "headers", "status"),
    [
        pytest.param("POST", TERMS, {}, TERM, REVIEWER, 201, id="create term"),
        pytest.param("PUT", A_TERM, JAILBREAK, TERM, REVIEWER, 200, id="replace term"),
        pytest.param("PATCH", A_TERM, JAILBREAK, TERM, REVIEWER, 200, id="change term"),
        pytest.param("DELETE", A_TERM, JAILBREAK, None, ADMIN, 204, id="delete term"),
        pytest.param(
            "DELETE", A_TERM, JAILBREAK, None, REVIEWER, 403, id="reviewer deletes"
        ),
        pytest.param("POST", SOURCES, {}, SOURCE, REVIEWER, 201, id="create source"),
        pytest.param(
            "PUT", A_SOURCE, {"id": "UNCITED"}, SOURCE, REVIEWER, 200,
            id="replace source",
        ),
        pytest.param(
            "PATCH", A_SOURCE, {"id": "UNCITED"}, SOURCE, REVIEWER, 200,
            id="change source",
        ),
        pytest.param(
            "DELETE", A_SOURCE, {"id": "UNCITED"}, None, ADMIN, 204,
            id="delete source",
        ),
        pytest.param(
            "DELETE", A_SOURCE, {"id": "CITED"}, None, ADMIN, 409,
            id="delete cited source",
        ),
    ],
)  # fmt: skip
def test_successful_writes_answer_as_documented(
    glossary, in_process_requests, method, path, path_parameters, body, headers, status
):
    """Writes that generated data seldom gets right, checked the same way."""
    uncited = Source.objects.create(
        key="uncited", title="Uncited", authors="Nobody", year=2020,
        url="https://example.org/uncited",
    )  # fmt: skip
    ids = {"CITED": Citation.objects.first().source_id, "UNCITED": uncited.pk}
    path_parameters = {k: ids.get(v, v) for k, v in path_parameters.items()}
    if body and "citations" in body:
        body = body | {"citations": [{"source": ids["CITED"], "role": "source"}]}
    case = schema[path][method].Case(
        path_parameters=path_parameters,
        body=NOT_SET if body is None else body,
        media_type=None if body is None else "application/json",
    )
    response = call(case, headers)
    assert response.status_code == status, response.text
