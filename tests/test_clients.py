"""Front-end teams generate their clients from /api/schema/. Here a TypeScript
client (openapi-typescript, openapi-fetch) and a Python client
(openapi-python-client) are generated from a running server's schema, a
small program for each (tests/clients/) is type-checked strictly and run
against that server: it makes every read the schema lists, anonymously, and
a write with If-Match, and every answer it gets is checked against the
schema (openapi-schema-validator, python-openapi's JSON Schema validator for
OpenAPI: the body for the documented status and content type).

Either client's problems are listed together, each with the schema problem
that causes it where it is a known one (KNOWN_CAUSES)."""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from openapi_schema_validator import (
    OAS30Validator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)
from rest_framework.authtoken.models import Token

from terms import preview
from terms.accounts import create_editor
from terms.models import Term
from tests.processes import database_url, free_port

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = ROOT / "tests" / "clients"
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# What each known schema problem makes a generated client say, or makes the
# program see at run time (its "Unexpected answer: …" lines name the check).
# The schema's problems these were written for (fields all optional, reads
# demanding a token, a string source id, no `permalink`, a null `category`
# that did not validate, `ordering` not exploded, index letters that were
# plain strings) are fixed; what is left is how the schema is meant to be
# read, which a program can still get wrong.
KNOWN_CAUSES = [
    (
        r"possibly 'undefined'|'\w+ \| undefined' is not assignable|"
        r"No overload matches this call|Item \"(Unset|Partial\w+)\" of|\| Unset\"",
        "a read that takes `fields=` answers `anyOf [X, PartialX]`: without "
        "`fields` narrow it to X (README, Generating a client)",
    ),
    (
        r"JSON-LD parsed as a TermDetail|JSON-LD: KeyError",
        "JSON-LD is a second media type of the term's operation (`TermJsonLD`), "
        "and openapi-python-client parses a response by its status alone: read "
        "it from `response.content`",
    ),
]


def diagnosed(problem: str) -> str:
    causes = [cause for pattern, cause in KNOWN_CAUSES if re.search(pattern, problem)]
    return "\n    cause: ".join([problem, *(causes or ["not a known schema problem"])])


@pytest.fixture
def server(seed, tmp_path):
    """The app in a process of its own, on the test database, as a
    front-end meets it."""
    url = f"http://127.0.0.1:{free_port()}"
    env = os.environ | {"DATABASE_URL": database_url(), "DJANGO_DEBUG": "true"}
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", url[7:]],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5):
                break
        except OSError:
            assert process.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(10)
    log.close()


@pytest.fixture
def program_env(server, make_term):
    """What the programs are given: where the API is, an editor's token, and
    a draft's preview token (as an editor's Preview link carries)."""
    user = create_editor("front-end", "", "a-long-test-password", reviewer=True)
    draft = make_term("Reward model overoptimisation", status=Term.Status.DRAFT)
    return {
        "GLOSSARY_API_URL": server,
        "GLOSSARY_API_TOKEN": Token.objects.create(user=user).key,
        "GLOSSARY_PREVIEW_TOKEN": preview.token_for(draft),
    }


def run(*args, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=cwd, env=os.environ | (env or {}), capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


def generated(result: subprocess.CompletedProcess, what: str) -> None:
    assert result.returncode == 0, f"{what} failed:\n{result.stdout}{result.stderr}"


def schema_of(url: str) -> dict:
    with urllib.request.urlopen(f"{url}/api/schema/?format=json") as reply:
        return json.load(reply)


def template_of(schema: dict, method: str, url: str) -> str | None:
    path = urllib.parse.urlsplit(url).path
    for template, operations in schema["paths"].items():
        pattern = re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path) and method.lower() in operations:
            return template
    return None


def mismatches(schema: dict, answers: list[dict]) -> list[str]:
    """How each answer differs from what the schema documents for it."""
    if schema["openapi"].startswith("3.1"):
        validator, formats = OAS31Validator, oas31_format_checker
    else:
        validator, formats = OAS30Validator, oas30_format_checker
    found = []
    for answer in answers:
        method, url, status = answer["method"], answer["url"], answer["status"]
        where = f"{method} {url} → {status} {answer['content_type']}"
        template = template_of(schema, method, url)
        if template is None:
            found.append(f"{where}: no such operation in the schema")
            continue
        responses = schema["paths"][template][method.lower()]["responses"]
        response = responses.get(str(status)) or responses.get("default")
        if response is None:
            found.append(f"{where}: status {status} is not documented")
            continue
        while "$ref" in response:
            response = schema["components"]["responses"][
                response["$ref"].rsplit("/", 1)[1]
            ]
        content = response.get("content", {})
        if not content:
            if answer["body"] != "":
                found.append(f"{where}: a body where the schema documents none")
            continue
        media_type = answer["content_type"].split(";")[0].strip()
        if media_type not in content:
            found.append(f"{where}: {media_type or 'no content type'} not documented")
            continue
        body_schema = content[media_type].get("schema", {})
        checker = validator(
            {**body_schema, "components": schema["components"]}, format_checker=formats
        )
        errors = {}  # one line per place, naming each way it fails there
        for error in checker.iter_errors(answer["body"]):
            at = "/".join(str(part) for part in error.absolute_path) or "the body"
            errors.setdefault(at, []).append(error.message[:300])
        for at, messages in sorted(errors.items()):
            found.append(f"{where}: at {at}: {'; '.join(sorted(messages))}")
    return found


def unread(schema: dict, answers: list[dict]) -> list[str]:
    """The reads the schema lists that the program never made."""
    made = {template_of(schema, a["method"], a["url"]) for a in answers}
    return [
        f"GET {path} is in the schema, and the program does not read it"
        for path, operations in schema["paths"].items()
        if "get" in operations and path not in made
    ]


def answers_of(result: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def report(type_errors: list[str], ran: subprocess.CompletedProcess, found: list[str]):
    unexpected = re.findall(r"^Unexpected answer: .*", ran.stderr, re.M)
    problems = [*type_errors, *found, *unexpected]
    if ran.returncode and not unexpected:
        problems.append(f"the program failed: {ran.stderr.strip()[-2000:]}")
    return "\n".join(diagnosed(problem) for problem in problems)


def what_went_wrong(server: str, type_errors: list[str], ran) -> str:
    """A program's type errors, its reads the schema lists but it never made,
    and its answers the schema does not describe, each with its cause."""
    answers = answers_of(ran)
    assert answers, ran.stderr
    schema = schema_of(server)
    found = unread(schema, answers) + mismatches(schema, answers)
    return report(type_errors, ran, found)


@pytest.mark.node
def test_a_typescript_client_of_the_live_schema_type_checks_and_reads_what_it_says(
    server, program_env, tmp_path
):
    source = CLIENTS / "typescript"
    work = tmp_path / "typescript"
    work.mkdir()
    for name in ("package.json", "tsconfig.json", "reads.ts"):
        shutil.copy(source / name, work)
    (work / "node_modules").symlink_to(source / "node_modules")
    modules = work / "node_modules"

    generated(
        run(
            "node", modules / "openapi-typescript/bin/cli.js",
            f"{server}/api/schema/?format=json", "--output", "schema.d.ts", cwd=work,
        ),
        "openapi-typescript",
    )  # fmt: skip
    # One pass type-checks and emits: the program runs even when types fail,
    # so one run reports both kinds of problem.
    checked = run("node", modules / "typescript/bin/tsc", "--project", ".", cwd=work)
    type_errors = re.findall(r"^reads\.ts\(.*(?:\n  .*)*", checked.stdout, re.M)
    assert type_errors or checked.returncode == 0, checked.stdout + checked.stderr
    ran = run("node", "build/reads.js", cwd=work, env=program_env)

    problems = what_went_wrong(server, type_errors, ran)
    assert not problems, f"The generated TypeScript client:\n{problems}"


def test_a_python_client_of_the_live_schema_type_checks_and_reads_what_it_says(
    server, program_env, tmp_path
):
    generated(
        run(
            BIN / "openapi-python-client", "generate",
            "--url", f"{server}/api/schema/?format=json",
            "--config", CLIENTS / "python" / "config.yaml",
            "--meta", "none", "--output-path", tmp_path / "glossary_api_client",
            cwd=tmp_path,
        ),
        "openapi-python-client",
    )  # fmt: skip
    paths = {"MYPYPATH": str(tmp_path), "PYTHONPATH": str(tmp_path)}
    program = CLIENTS / "python" / "reads.py"
    checked = run(
        BIN / "mypy", "--strict", "--cache-dir", tmp_path / "mypy", program,
        cwd=ROOT, env=paths,
    )  # fmt: skip
    type_errors = re.findall(r"^\S+: error: .*", checked.stdout, re.M)
    assert type_errors or checked.returncode == 0, checked.stdout + checked.stderr
    ran = run(sys.executable, program, cwd=tmp_path, env=paths | program_env)

    problems = what_went_wrong(server, type_errors, ran)
    assert not problems, f"The generated Python client:\n{problems}"
