# Jianbing: `make run` to try it, `make test` to check it. Needs only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run install install-dev migrate demo static serve test lint format check check-deploy bench messages clean \
	serve-prod worker backup restore browser

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable

demo: migrate
	$(BIN)/python manage.py load_demo_data

static: install
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0

run: demo static  ## install, migrate, load demo data, collect static files and serve on SQLite
	JIANBING_HOST=$(HOST) JIANBING_PORT=$(PORT) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Debian's Chromium and CJK fonts for the browser tests: installed when missing and run as root,
# otherwise the one command to run is printed and the tests do not start.
browser:
	sh scripts/browser.sh

test: browser install-dev  ## the whole test suite (DATABASE_URL selects PostgreSQL)
	DJANGO_SETTINGS_MODULE=lms.settings.test $(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install-dev
	DJANGO_SETTINGS_MODULE=lms.settings.test $(BIN)/python manage.py check
	DJANGO_SETTINGS_MODULE=lms.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

# Production settings must pass Django's deployment checks; the key here is a throwaway.
check-deploy: install
	DJANGO_SETTINGS_MODULE=lms.settings.production DJANGO_ALLOWED_HOSTS=jianbing.example.org \
	DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

WORKERS ?= 4
THREADS ?= 4
NICE ?= 0
serve-prod: install  ## gunicorn with production settings; configure with the environment (.env.example); docs/deployment.md for two pools
	DJANGO_SETTINGS_MODULE=lms.settings.production $(BIN)/python manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=lms.settings.production $(BIN)/python manage.py createcachetable
	DJANGO_SETTINGS_MODULE=lms.settings.production $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DJANGO_SETTINGS_MODULE=lms.settings.production nice -n $(NICE) $(BIN)/gunicorn lms.wsgi:application \
		--bind $(HOST):$(PORT) --workers $(WORKERS) --threads $(THREADS) --timeout 60 --preload \
		--max-requests 2000 --max-requests-jitter 200 --access-logfile -

worker: install  ## the background task worker (roster imports, report refreshes, certificate bundles)
	DJANGO_SETTINGS_MODULE=lms.settings.production $(BIN)/python manage.py db_worker --queue-name '*' --interval 1

backup: install  ## BACKUP=path/to/file (SQLite backup API or pg_dump)
	$(BIN)/python manage.py backup $(BACKUP)

restore: install  ## BACKUP=path/to/file; overwrites every table
	$(BIN)/python manage.py restore $(BACKUP)

messages: install-dev  ## extract msgids, fill them from locale/parts/*.json, compile (needs gettext)
	$(BIN)/python scripts/messages.py

bench: install-dev  ## performance figures as JSON lines
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm
