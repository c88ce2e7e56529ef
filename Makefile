# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
LOCK    := requirements.lock
PIP     := $(BIN)/pip install -c $(LOCK)
# What `make` installs: the project with the extras that `make test` and `make bench` need.
EXTRAS  := test,bench

.PHONY: run test build eval bench browser-deps clean update-deps

# Every version comes from $(LOCK) (used as constraints, so the extras are pinned too).
$(STAMP): pyproject.toml $(LOCK)
	$(PY) -m venv $(VENV)
	$(PIP) -q --upgrade pip
	# torch first, the CPU build on local disk (2.13.0+cpu in the lock), so nothing pulls a CUDA build.
	$(PIP) -q torch==2.13.0
	$(PIP) -q -e '.[$(EXTRAS)]'
	touch $(STAMP)

# Regenerate $(LOCK): a throwaway venv, the declared dependencies unconstrained (torch stays
# ==2.13.0, the CPU build), then every installed distribution, pip and setuptools included,
# frozen. Then run `make test`: the stamp depends on the lock, so .venv follows it.
update-deps:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PY) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/pip" install -q --upgrade pip; \
	"$$tmp/venv/bin/pip" install -q torch==2.13.0; \
	"$$tmp/venv/bin/pip" install -q -e '.[$(EXTRAS)]'; \
	$(call freeze-lock,$$tmp/venv/bin) > $(LOCK).new; \
	mv $(LOCK).new $(LOCK); \
	echo "$(LOCK): $$(grep -vc '^#' $(LOCK)) distributions pinned"

# The lock's text: a header saying how it is made, then `pip freeze` of the venv whose bin is $(1).
freeze-lock = { \
	echo "\# Every distribution \`make\` installs into .venv, pinned: pyproject.toml's dependencies and its"; \
	echo "\# $(EXTRAS) extras, with all they pull in, pip and setuptools included. \`make\` installs with"; \
	echo "\# \`pip install -c $(LOCK)\`. Do not edit: \`make update-deps\` regenerates it (a throwaway venv, the"; \
	echo "\# dependencies unconstrained but torch==2.13.0, then \`pip freeze --all --exclude-editable\`)."; \
	echo "\# torch 2.13.0+cpu is the CPU build: pip takes it from the wheel on this machine's disk (find-links)."; \
	"$(1)/pip" freeze --all --exclude-editable; }

build: $(STAMP)
	$(BIN)/python -m index build

run: build
	$(BIN)/python app.py

# Debian's Chromium for the browser tests (never `playwright install`: it downloads a browser).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; \
	fi

test: $(STAMP) browser-deps
	$(BIN)/python -m pytest -q

eval: build
	$(BIN)/python -m eval

bench: build
	$(BIN)/python -m eval.bench

clean:
	rm -rf build
