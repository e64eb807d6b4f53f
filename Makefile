# RealAlgo — the two commands a newcomer needs are `make run` and `make test`.
SWIFT ?= swift
PYTHON ?= python3
VENV := .venv
ARGS ?=

.PHONY: run test build release e2e venv bench lint format clean

## Build a release binary and serve the embedded default (data in ./data, http://127.0.0.1:5000).
run:
	@scripts/ensure-deps.sh build
	$(SWIFT) build -c release
	./.build/release/realalgo serve $(ARGS)

## The whole suite: format check, Swift unit and integration tests, end-to-end tests against the binary.
test: lint build e2e
	$(SWIFT) test --skip-build

## The house format (.swift-format); `make format` applies it.
lint:
	$(SWIFT) format lint --strict -r Sources Tests Tools Plugins Package.swift

format:
	$(SWIFT) format -i -r Sources Tests Tools Plugins Package.swift

build:
	@scripts/ensure-deps.sh test
	$(SWIFT) build --build-tests

release:
	@scripts/ensure-deps.sh build
	$(SWIFT) build -c release

venv: $(VENV)/.installed
$(VENV)/.installed: e2e/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	# --ignore-requires-python: the official openalgo client declares Python >= 3.12 but runs on 3.11.
	$(VENV)/bin/pip install --quiet --ignore-requires-python -r e2e/requirements.txt
	touch $@

## End-to-end tests: real processes, real sockets, the sqlite3 shell and a headless browser.
e2e: venv
	REALALGO_BIN=$(CURDIR)/.build/debug/realalgo $(VENV)/bin/python -m pytest -q e2e

## Benchmarks (release build); figures go to docs/BENCHMARKS.md.
bench: release
	./.build/release/realalgo bench store
	./.build/release/realalgo bench feed
	./.build/release/realalgo bench orders

clean:
	rm -rf .build $(VENV)
