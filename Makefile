# Two commands do all the set-up: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

# Debian packages: espeak-ng and lame make vocabulary audio, chromium runs the browser tests,
# gettext compiles the German interface texts, fonts-dejavu-core gives certificates a font
# with every script of the staff's names.
RUN_DEBS := espeak-ng lame gettext fonts-dejavu-core
TEST_DEBS := $(RUN_DEBS) chromium

.PHONY: run test check lint format bench lock messages makemessages debs-run debs-test clean

$(STAMP): pyproject.toml requirements/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	touch $(STAMP)

debs-run:
	./scripts/ensure-debian-packages $(RUN_DEBS)

debs-test:
	./scripts/ensure-debian-packages $(TEST_DEBS)

messages: $(STAMP)
	$(MANAGE) compilemessages --ignore "$(VENV)" --verbosity 0

# Collects new interface texts into locale/de/LC_MESSAGES/django.po. Without source
# locations, so that parallel branches adding texts do not conflict on line numbers.
makemessages: $(STAMP)
	$(MANAGE) makemessages -l de --ignore "$(VENV)/*" --no-location

run: debs-run $(STAMP) messages
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo ""
	@echo "Platform at http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(MANAGE) demo_logins
	$(MANAGE) runserver $(HOST):$(PORT)

test: debs-test $(STAMP) messages
	$(BIN)/pytest $(PYTEST_ARGS)

# Static gates of CI: Django's checks, no missing migrations, ruff lint and format.
check: $(STAMP) messages
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=training.settings.production SECRET_KEY=check-only-$$(date +%s)-not-used-in-any-deployment-xxxxxxxxxxxxxxxx ALLOWED_HOSTS=example.org DATABASE_URL=sqlite:///:memory: $(MANAGE) check --deploy --fail-level WARNING
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: debs-run $(STAMP) messages
	$(BIN)/python bench/run.py

lock: $(STAMP)
	{ echo '# Full pinned set of Python packages (lock). Regenerate with make lock after changing pyproject.toml.'; $(BIN)/pip freeze --exclude-editable | sort -f; } > requirements/constraints.txt

clean:
	rm -rf $(VENV) db.sqlite3 media static_collected
