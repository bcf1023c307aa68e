# Two commands do everything on a fresh machine with Python 3.11+ and pip:
#   make book   build the site into _build/html
#   make test   run the whole test suite (includes a strict build)
# Both create .venv and install the locked dependencies first if needed.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
AC     := $(BIN)/appcontest
# Everything a build reads. When none of it is newer than the last build, `make book`
# returns at once: make itself knows nothing changed.
INPUTS := $(shell find book notebooks data src -type f -not -path '*/__pycache__/*' -not -name '*.pyc' 2>/dev/null) \
          _config.yml _toc.yml references.bib CITATION.cff
SITE   := _build/html/.built
# The offline-render test's Chromium, as found or set up by src/appcontest/browser.py.
CHROMIUM_FILE := $(VENV)/chromium-path

.DEFAULT_GOAL := help
.PHONY: help book test lint format unit serve run params validate reference linkcheck bench audit lock clean

help:
	@echo "make book        execute what changed (papermill), then build the site into _build/html"
	@echo "make test        the whole test suite: lint, strict build, data, units, notebooks, parameters, site"
	@echo "make serve       live-reloading preview on http://127.0.0.1:8000 while you write"
	@echo "make unit        the fast tests only (no build, no browser)"
	@echo "make browser     find or set up the Chromium the site tests drive (make test does it)"
	@echo "make lint        ruff check and ruff format --check (part of make test)"
	@echo "make format      apply ruff's fixes and formatting"
	@echo "make run NB=notebooks/x.ipynb P='-p name value'   run a chapter with parameters into _build/runs/"
	@echo "make params NB=notebooks/x.ipynb                  list a chapter's parameters"
	@echo "make validate    check every dataset against its schema and the bibliography"
	@echo "make reference   rewrite tests/reference/ (glued values, chart specs) from the last build"
	@echo "make linkcheck   check external links (needs internet; not part of make test)"
	@echo "make bench       time builds and measure page sizes"
	@echo "make audit       Lighthouse (mobile, desktop) and axe-core on every page, one table; PAGES='intro clock' limits"
	@echo "make lock        re-pin requirements.lock from pyproject.toml"
	@echo "make clean       remove _build (executed chapters, site, runs)"

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

$(SITE): $(STAMP) $(INPUTS)
	$(AC) build
	@touch $@

book: $(SITE)
	@echo "Built. Open _build/html/index.html in a browser."

# The browser comes first: a machine that cannot get one fails in seconds, not after the build.
test: $(CHROMIUM_FILE) lint
	$(AC) build --strict
	@touch $(SITE)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests notebooks
	$(BIN)/ruff format --check src tests notebooks

format: $(STAMP)
	$(BIN)/ruff check --fix src tests notebooks
	$(BIN)/ruff format src tests notebooks

# Find a Chromium (or download Playwright's, or apt-install Debian's as root) and record its
# path; done once, again after a reinstall of .venv or when the recorded browser is gone.
.PHONY: browser
browser: $(CHROMIUM_FILE)
$(CHROMIUM_FILE): $(STAMP) $(if $(wildcard $(shell cat $(CHROMIUM_FILE) 2>/dev/null)),,FORCE)
	$(BIN)/python -m appcontest.browser --record $@
FORCE:

unit: $(STAMP)
	$(BIN)/python -m pytest -m "not build"

serve: $(SITE)
	$(AC) conf >/dev/null
	$(BIN)/sphinx-autobuild -c _build/conf -d _build/.doctrees/serve --watch data --watch src/appcontest \
	  --pre-build "$(AC) execute" --ignore "*/_build/*" . _build/html -n -q

run: $(STAMP)
	@test -n "$(NB)" || (echo "usage: make run NB=notebooks/x.ipynb P='-p name value'"; exit 2)
	$(AC) run $(NB) $(P)

params: $(STAMP)
	@test -n "$(NB)" || (echo "usage: make params NB=notebooks/x.ipynb"; exit 2)
	$(AC) params $(NB)

validate: $(STAMP)
	$(AC) validate

reference: $(SITE)
	$(AC) reference

linkcheck: $(STAMP)
	$(AC) build --builder linkcheck

bench: $(STAMP)
	$(AC) bench

# Lighthouse is pinned in tools/audit/package-lock.json; npm ci installs exactly that (again
# only when the lock changes). The audit prints scores and never fails on them; it fails only
# when it cannot measure. About 25 s per page and form factor on 2 cores: PAGES= limits it.
AUDIT_TOOLS := tools/audit
AUDIT_STAMP := $(AUDIT_TOOLS)/node_modules/.package-lock.json
$(AUDIT_STAMP): $(AUDIT_TOOLS)/package.json $(AUDIT_TOOLS)/package-lock.json
	cd $(AUDIT_TOOLS) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

audit: $(SITE) $(CHROMIUM_FILE) $(AUDIT_STAMP)
	$(AC) audit $(if $(PAGES),--pages "$(PAGES)")

# The lock is the whole tree, installed with --no-deps. It leaves out rfc3987-syntax and
# lark, which jsonschema's optional IRI check pulls in (nbdime -> jupyter-server ->
# jupyter-events); importing them compiles 39 grammars, about 1.5 s added to every build
# and every papermill run, for a format check nothing here uses.
LOCK_EXCLUDE := ^(rfc3987-syntax|rfc3987_syntax|lark)==
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@echo "# Full dependency lock, generated by \`make lock\` from pyproject.toml (+ test extras)." > requirements.lock.new
	@echo "# Install with: pip install --no-deps -r requirements.lock && pip install --no-deps -e ." >> requirements.lock.new
	@echo "# Left out on purpose (see the Makefile's lock target): rfc3987-syntax, lark." >> requirements.lock.new
	$(BIN)/python -m pip freeze --exclude-editable | grep -Ev '$(LOCK_EXCLUDE)' >> requirements.lock.new
	mv requirements.lock.new requirements.lock
	$(BIN)/python -m pip uninstall --quiet -y rfc3987-syntax lark

clean:
	rm -rf _build
