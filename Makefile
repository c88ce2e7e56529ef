# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
PIP     := $(BIN)/pip install -c constraints.txt

.PHONY: run test build eval bench browser-deps clean

$(STAMP): pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first, pinned to the CPU build on local disk, so nothing pulls a CUDA build.
	$(PIP) -q torch==2.13.0
	$(PIP) -q -e '.[test]'
	touch $(STAMP)

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
