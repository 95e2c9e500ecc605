# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Where `make run` listens: `make run HOST=0.0.0.0:8080` (or only a port: HOST=8080).
HOST ?= 127.0.0.1:8000

# mysqlclient needs system headers, so it is installed only for a MySQL DATABASE_URL.
ifneq (,$(findstring mysql,$(DATABASE_URL)))
MYSQL_LOCK := requirements-mysql.lock
FLAVOUR := -mysql
endif
# Running needs only requirements.txt; the test tools (pytest, playwright, schemathesis, ruff)
# come with `make test`, e2e, fuzz and lint. Both install from the hashed lock files (`make lock`).
RUN_STAMP := $(VENV)/.installed-run$(FLAVOUR)
DEV_STAMP := $(VENV)/.installed-dev$(FLAVOUR)
PIP_INSTALL := $(BIN)/pip install --quiet --require-hashes

.PHONY: install install-dev run test e2e fuzz lint format lock audit bench bench-catalog bench-checkout worker beat

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUN_STAMP): $(BIN)/python requirements.lock $(MYSQL_LOCK)
	$(PIP_INSTALL) -r requirements.lock $(addprefix -r ,$(MYSQL_LOCK))
	touch $@

# The development set includes the running one, so its stamp stands for both.
$(DEV_STAMP): $(BIN)/python requirements-dev.lock $(MYSQL_LOCK)
	$(PIP_INSTALL) -r requirements-dev.lock $(addprefix -r ,$(MYSQL_LOCK))
	touch $@ $(RUN_STAMP)

install: $(RUN_STAMP)

install-dev: $(DEV_STAMP)

# DEBUG defaults to off (shop/settings.py); the development server turns it on unless told otherwise.
run: export DEBUG ?= 1
# With a MySQL/MariaDB DATABASE_URL the database is created first (utf8mb4) when missing.
run: install
	$(BIN)/python manage.py ensure_database
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py ensure_admin
	@echo "Serving the shop on http://$(HOST)/ (API docs: http://$(HOST)/api/docs/, admin: http://$(HOST)/$(or $(ADMIN_URL),admin/))"
	$(BIN)/python manage.py runserver $(HOST)

test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

# Only with a broker (CELERY_BROKER_URL, or REDIS_URL): without one `make run` runs tasks and
# periodic jobs itself. One beat for the whole deployment; as many workers as the queue needs.
worker: install
	$(BIN)/celery -A shop worker --loglevel INFO

beat: install
	$(BIN)/celery -A shop beat --loglevel INFO --schedule celerybeat-schedule

# Only the browser tests (Debian's chromium: apt-get install chromium); screenshots in test-artifacts/browser/.
e2e: install-dev
	$(BIN)/pytest e2e $(PYTEST_ARGS)

# Schemathesis against a live server: every operation of /api/schema/, as an admin and as a customer
# (fuzz/). `make test` leaves it out; CI runs it with FUZZ_MAX_EXAMPLES=10.
FUZZ_MAX_EXAMPLES ?= 100
fuzz: install-dev
	FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES) $(BIN)/pytest fuzz -m fuzz -s $(PYTEST_ARGS)

# Every package, transitive ones included, pinned with its hashes, for Linux, macOS and Windows on
# Python 3.11+: rerun after changing a requirements*.txt file (a test fails while a lock is stale).
# The development lock is held to the running lock's versions.
UV_COMPILE := $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes --no-header
lock: install-dev
	$(UV_COMPILE) requirements.txt -o requirements.lock
	$(UV_COMPILE) requirements-dev.txt --constraint requirements.lock -o requirements-dev.lock
	$(UV_COMPILE) requirements-mysql.txt -o requirements-mysql.lock

# Known vulnerabilities (PyPI's advisory data) in every locked package. To accept one, add its id
# to .ci/pip-audit-ignore with the reason and a date to look again.
audit: install-dev
	$(BIN)/pip-audit --disable-pip --require-hashes --progress-spinner off \
		$(addprefix --ignore-vuln ,$(shell sed 's/\#.*//' .ci/pip-audit-ignore)) \
		-r requirements.lock -r requirements-dev.lock -r requirements-mysql.lock

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Not part of `make test`. Both run against DATABASE_URL (default MariaDB shop_bench).
BENCH_DATABASE_URL := $(or $(DATABASE_URL),mysql://root@127.0.0.1:3306/shop_bench)
bench: bench-catalog bench-checkout

# FLUSHES the databases (a temporary SQLite file, then DATABASE_URL), fills them with 10k and 100k products,
# serves each with gunicorn and loads it with wrk beside the floors of bench/floors.py. BENCH_MODE=scaling adds 1M.
bench-catalog:
	@command -v wrk >/dev/null 2>&1 || apt-get install -y wrk || (apt-get update && apt-get install -y wrk)
	$(MAKE) install DATABASE_URL=$(BENCH_DATABASE_URL)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/run.py $(BENCH_MODE)

# Checkout under load: concurrent buyers against gunicorn, then a stock audit
# (BENCH_ARGS="--buyers 80 --rounds 10"). It cleans up the products and buyers it made.
bench-checkout:
	$(MAKE) install DATABASE_URL=$(BENCH_DATABASE_URL)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py migrate --noinput
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=false \
	SECRET_KEY=$${SECRET_KEY:-bench-only-secret-key-never-in-production} ALLOWED_HOSTS=127.0.0.1 \
	SECURE_SSL_REDIRECT=false LOG_LEVEL=ERROR THROTTLE_USER=1000000/min THROTTLE_ORDERS=1000000/min \
	$(BIN)/python manage.py bench_checkout --serve $(BENCH_ARGS)
