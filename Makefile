# Landslide Mapper. From a bare Debian 12 machine (as root): `make test` (the tests) and `make demo` (the main job).
#   make setup     QGIS 3.40 LTR + the Python environment (.venv) + the plugin (editable); idempotent
#   make test      setup, then lint (ruff) and the test suite headless in real QGIS; extra pytest args: ARGS="-k env"
#   make demo      setup, then the demo recipe in scripts/demo.sh
#   make package   dist/landslide_mapper-<version>.zip for QGIS's "Install from ZIP" (DIST=folder to change)
#   make lint      ruff check .
SHELL := /bin/bash
DIST ?= dist
ARGS ?=
PYTHON := $(shell [ -x .venv/bin/python ] && echo .venv/bin/python || echo /usr/bin/python3)

.PHONY: setup test demo package lint clean

setup:
	bash scripts/setup.sh

test: setup
	bash scripts/run_tests.sh $(ARGS)

demo: setup
	bash scripts/demo.sh

package:
	$(PYTHON) scripts/package.py --output-dir $(DIST)

lint:
	.venv/bin/python -m ruff check .

clean:
	rm -rf dist build .test-tmp demo-output *.egg-info
