# Rounds: `make run` sets everything up and serves the demo on SQLite; `make test` sets up and runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run test setup deps system-deps frontend translations db demo serve clean messages bench lint

run: setup db demo serve

test: setup
	$(BIN)/pytest

setup: system-deps deps frontend translations

# Debian's Chromium (browser tests) and CJK fonts (Chinese in screenshots and, later, photo watermarks and PDFs).
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; fi; \
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
