# The two commands: `make run` (the platform) and `make test` (the suite). Both set everything up on
# a machine with only Python >= 3.11 and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench stop messages lock clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) requirements/lock.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/lock.txt
	@touch $(STAMP)

run: $(STAMP)
	$(PY) platform/devstack.py run

test: $(STAMP)
	$(PY) platform/devstack.py test $(PYTEST_ARGS)

# mypy imports the settings (django-stubs) but connects to nothing: placeholder URLs keep it from
# starting the embedded servers.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DATABASE_URL=postgres://lint.invalid/lint CELERY_BROKER_URL=redis://lint.invalid:6379/0 $(VENV)/bin/mypy .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP)
	$(PY) platform/devstack.py bench $(BENCH_ARGS)

stop: $(STAMP)
	$(PY) platform/devstack.py stop

# Needs GNU gettext (xgettext); only for developers who change user-facing strings.
messages: $(STAMP)
	$(PY) manage.py makemessages --all --no-obsolete --ignore '.venv/*' --ignore 'var/*'

lock: $(PY)
	$(PY) -m pip install --quiet -e '.[dev]' && $(PY) -m pip freeze --exclude-editable | sed '/^smart-federation/d' > requirements/lock.tmp
	{ head -2 requirements/lock.txt; cat requirements/lock.tmp; } > requirements/lock.new && rm requirements/lock.tmp && mv requirements/lock.new requirements/lock.txt

clean: stop
	rm -rf $(VENV) var
