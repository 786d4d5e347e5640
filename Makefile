# Rounds: `make run` sets everything up and serves the demo on SQLite; `make test` sets up and runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run test test-days setup deps system-deps frontend translations db demo serve clean messages bench lint

run: setup db demo serve

# The suite runs on every core (pytest-xdist; each test file stays on one worker, each worker has a database of its
# own); `$(BIN)/pytest` alone runs it in one process.
PARALLEL := -n auto --dist loadfile

test: setup
	$(BIN)/pytest $(PARALLEL)

# The suite again with the run's clock (tests/clock.py) starting on awkward days: a month's last evening,
# 1 January 00:30 in Shanghai (still 31 December in UTC), 29 February. Every test that reads or shows a date runs
# there; left out are the ones about no date at all (browser and fault tests run on the same clock machinery in
# `make test`; the hostile-input and schema fuzzers, security headers, query counts, static files, imports, labels,
# migrations, translations, the object-store copy, the production topology, the role-by-route access matrix, CSRF,
# photo processing and storage, the OpenAPI document, the Redis queue and escaping), which take most of the time.
DATELESS := --ignore=tests/browser --ignore=tests/faults --ignore=tests/topology --ignore=tests/fuzz \
	--ignore=tests/security --ignore=tests/perf --ignore=tests/imports --ignore=tests/labels \
	--ignore=tests/ops/test_storage_copy.py --ignore=tests/test_migrations.py --ignore=tests/test_translations.py \
	--ignore=tests/test_config.py --ignore=tests/test_plurals.py --ignore=tests/web/test_access_matrix.py \
	--ignore=tests/auth/test_csrf_and_rate_limit.py --ignore=tests/photos/test_processing.py \
	--ignore=tests/photos/test_storage.py --ignore=tests/photos/test_messages.py \
	--ignore=tests/photos/test_object_store.py --ignore=tests/field/test_openapi.py \
	--ignore=tests/reports/test_queue_on_redis.py --ignore=tests/inspections/test_escaping.py
AWKWARD_DAYS := 2027-01-31T23:40:00+08:00 2027-01-01T00:30:00+08:00 2028-02-29T09:00:00+08:00
test-days: setup
	@for day in $(AWKWARD_DAYS); do \
		echo "-- the clock starts at $$day"; \
		ROUNDS_TEST_NOW=$$day $(BIN)/pytest -q $(PARALLEL) $(DATELESS) || exit 1; \
	done

setup: system-deps deps frontend translations

# Debian's Chromium (browser tests), CJK fonts (Chinese in screenshots, photo watermarks and PDFs) and nginx (the load
# balancer of tests/topology and deploy/nginx/rounds.conf).
system-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/sbin/nginx ] || ! ls /usr/lib/*/faketime/libfaketimeMT.so.1 >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk libfaketime nginx >/dev/null; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk libfaketime nginx >/dev/null; fi; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

deps: $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt

frontend:
	npm ci --no-audit --no-fund --silent
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	cp node_modules/signature_pad/dist/signature_pad.umd.min.js static/vendor/signature_pad.umd.min.js
	cp node_modules/idb/build/umd.js static/vendor/idb.umd.js
	cp node_modules/jsqr/dist/jsQR.js static/vendor/jsQR.js
	cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts.min.js

translations:
	$(BIN)/pybabel compile -d webapp/translations > /dev/null

db:
	$(BIN)/flask db upgrade

demo:
	$(BIN)/flask demo

# The server and, beside it, the report queue's worker (scheduled and requested reports); stopping one stops both.
serve:
	@$(BIN)/flask reports-worker & worker=$$!; $(BIN)/flask run --host 127.0.0.1 --port 5000 & server=$$!; \
	trap 'kill $$server $$worker 2>/dev/null; wait $$server $$worker 2>/dev/null' INT TERM EXIT; \
	wait $$server; status=$$?; kill $$worker 2>/dev/null; wait $$worker 2>/dev/null; exit $$status

clean:
	rm -rf $(VENV) node_modules static/vendor instance

# After adding strings: extract them, merge into the catalogue, then translate the new entries in webapp/translations/zh.
messages:
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o /tmp/rounds-messages.pot .
	$(BIN)/pybabel update -i /tmp/rounds-messages.pot -d webapp/translations --no-location --ignore-obsolete

# Benchmarks (never timed tests): run them all and write BENCHMARKS.md.
bench: deps
	$(BIN)/python bench/run.py

# Static checks run by CI: ruff (with its security rules) over the code, mypy over the domain rules.
lint: deps
	$(BIN)/ruff check webapp bench migrations tests wsgi.py
	$(BIN)/mypy --ignore-missing-imports --follow-imports=silent webapp/domain
