# Ohne Haken: one command per task. Each installs what it needs (scripts/ensure-tools.sh).
#   make build   validate rules, build dist/firefox, dist/chromium and their packages
#   make test    unit tests and browser tests in Firefox and Chromium (installs browsers when root)
#   make lint    ruff, ESLint and web-ext lint (0 errors, 0 warnings, 0 notices)
#   make bench   what the content scripts cost on a page, in Firefox and Chromium (docs/benchmarks.md)
#   make demo    Firefox with the extension on the mock o2online.de portal (headless without $DISPLAY);
#                DU=1 shows the portal in O2's newer "du" form
#   make screenshots   docs/screenshots/*.png for the README (headless Firefox)
#   make release build, then the store material next to the packages in dist/store/ (tools/release.py)

PY := .venv/bin/python
TOOLS := scripts/ensure-tools.sh

.PHONY: build test test-unit test-browser lint check clean bench demo screenshots release

build:
	@$(TOOLS) python node
	@$(PY) build.py

check:
	@$(TOOLS) python
	@$(PY) build.py --check

test:
	@$(TOOLS) python browsers node
	@$(PY) tools/run_tests.py

test-unit:
	@$(TOOLS) python
	@$(PY) -m pytest tests/unit

lint:
	@$(TOOLS) python node
	@$(PY) -m ruff check build.py tests tools
	@npx --no-install eslint extension
	@$(PY) build.py -q --target firefox
	@$(PY) tools/web_ext_lint.py dist/firefox

demo:
	@$(TOOLS) python browsers node
	@$(PY) tools/demo.py $(if $(DU),--du)

screenshots:
	@$(TOOLS) python browsers node
	@$(PY) tools/demo.py --screenshots docs/screenshots

release:
	@$(TOOLS) python browsers node
	@$(PY) tools/release.py

bench:
	@$(TOOLS) python browsers node
	@$(PY) tools/bench.py

clean:
	rm -rf dist .pytest_cache
