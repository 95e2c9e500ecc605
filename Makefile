# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Where `make run` listens: `make run HOST=0.0.0.0:8080` (or only a port: HOST=8080).
HOST ?= 127.0.0.1:8000

# mysqlclient needs system headers, so it is installed only for a MySQL DATABASE_URL.
ifneq (,$(findstring mysql,$(DATABASE_URL)))
MYSQL_REQUIREMENTS := requirements-mysql.txt
FLAVOUR := -mysql
endif
# Running needs only requirements.txt; the test tools (pytest, playwright, schemathesis, ruff)
# come with `make test`, e2e, fuzz and lint.
RUN_STAMP := $(VENV)/.installed-run$(FLAVOUR)
DEV_STAMP := $(VENV)/.installed-dev$(FLAVOUR)

.PHONY: install install-dev run test e2e fuzz lint format bench bench-catalog bench-checkout

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUN_STAMP): $(BIN)/python requirements.txt $(MYSQL_REQUIREMENTS)
	$(BIN)/pip install --quiet -r requirements.txt $(addprefix -r ,$(MYSQL_REQUIREMENTS))
	touch $@

# The development set includes the running one, so its stamp stands for both.
$(DEV_STAMP): $(BIN)/python requirements.txt requirements-dev.txt $(MYSQL_REQUIREMENTS)
	$(BIN)/pip install --quiet -r requirements-dev.txt $(addprefix -r ,$(MYSQL_REQUIREMENTS))
	touch $@ $(RUN_STAMP)

install: $(RUN_STAMP)

install-dev: $(DEV_STAMP)

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

# Only the browser tests (Debian's chromium: apt-get install chromium); screenshots in test-artifacts/browser/.
e2e: install-dev
	$(BIN)/pytest e2e $(PYTEST_ARGS)

# Schemathesis against a live server: every operation of /api/schema/, as an admin and as a customer
# (fuzz/). `make test` leaves it out; CI runs it with FUZZ_MAX_EXAMPLES=10.
FUZZ_MAX_EXAMPLES ?= 100
fuzz: install-dev
	FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES) $(BIN)/pytest fuzz -m fuzz -s $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Not part of `make test`. Both run against DATABASE_URL (default MariaDB shop_bench).
BENCH_DATABASE_URL := $(or $(DATABASE_URL),mysql://root@127.0.0.1:3306/shop_bench)
bench: bench-catalog bench-checkout

# FLUSHES the database, fills it with BENCH_PRODUCTS products, serves it with gunicorn and
# loads it with wrk. `make bench-catalog BENCH_MODE=scaling` compares 10k and 200k products.
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
