# Two commands on a fresh clone: `make run` serves the API, `make test` tests it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# Local development runs with DEBUG on unless the environment says otherwise.
export DJANGO_DEBUG ?= true

.PHONY: install node-packages run serve worker migrate test lint format clean bench screenshots

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

# The TypeScript client test's tools (openapi-typescript, openapi-fetch,
# typescript), exactly as package-lock.json has them. Needs node and npm;
# without them `make test` skips that test and says so.
NODE_PACKAGES := tests/clients/typescript
$(NODE_PACKAGES)/node_modules/.package-lock.json: $(NODE_PACKAGES)/package-lock.json
	npm ci --prefix $(NODE_PACKAGES) --no-audit --no-fund

node-packages: $(NODE_PACKAGES)/node_modules/.package-lock.json

migrate: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py loaddata glossary
	$(BIN)/python manage.py build_documents

# The outbox worker (webhooks, CDN purges) runs beside the server and stops
# with it.
run: migrate
	$(BIN)/python manage.py run_outbox & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production: gunicorn, static files served by the app (WhiteNoise). Set the
# production environment first (README, "Production"); DEBUG stays off.
serve: export DJANGO_DEBUG = false
serve: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py build_documents
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/gunicorn -c glossary_api/gunicorn.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory node-packages; fi
	$(BIN)/pytest $(PYTEST_ARGS)

# Production's second process: sends webhooks and CDN purges (README).
worker: install
	$(BIN)/python manage.py run_outbox

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles *.egg-info $(NODE_PACKAGES)/node_modules

# Read speed against Django's own floor (docs/benchmarks.md). TERMS sets the
# glossary's size; DATABASE_URL=postgres://…/glossary_bench runs on PostgreSQL.
TERMS ?= 10000
bench: install
	$(BIN)/python bench/run.py --terms $(TERMS) $(BENCH_ARGS)

# The README's admin screenshots (docs/admin/), taken again in chromium.
screenshots: install
	$(BIN)/python docs/admin/screenshots.py
