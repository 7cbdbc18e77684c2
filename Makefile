# Build, test and demo entry points of the mlops.autoscale collection.
#
# Everything here works on a fresh clone where only python3, make and git exist:
# `make venv` creates .venv from the registries, `make collection` makes Ansible
# find this checkout as mlops.autoscale (a symlink, so edits are live).
#
#   make test       changelog, build, Galaxy import, docs lint and site, EE context, units, emulator tests, lint,
#                   integration, reliability, sanity, then the older ansible-core legs (units, sanity, walkthrough)
#   make demo       start the ARM emulator, run playbooks/demo.yml, stop the emulator
#   make docs       the HTML documentation site in .build/docs (antsibull-docs + Sphinx)
#   make ee         the execution environment's build context in .build/ee (ansible-builder create)
#   make clean      remove .build and tests/output (distclean: .venv too)
#
# Stamp files in .build/ keep re-runs fast.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
.NOTPARALLEL:

PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
BUILD := $(CURDIR)/.build
STAMPS := $(BUILD)/stamps
COLLECTIONS := $(BUILD)/collections
COLLECTION_DIR := $(COLLECTIONS)/ansible_collections/mlops/autoscale
NAMESPACE := mlops
NAME := autoscale
VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
TARBALL := $(BUILD)/dist/$(NAMESPACE)-$(NAME)-$(VERSION).tar.gz

PYTEST_ARGS ?=
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SANITY_ARGS ?=

# Every recipe that runs Ansible finds the collection and the venv's tools.
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PATH := $(BIN):$(PATH)
export PYTHONDONTWRITEBYTECODE := 1
export ANSIBLE_NOCOLOR := 1
export ANSIBLE_FORCE_COLOR := 0

MODULES = $(sort $(basename $(notdir $(filter-out %/__init__.py,$(wildcard plugins/modules/*.py)))))
EMULATOR_PROJECT := $(wildcard tools/arm_emulator/pyproject.toml)

# The older ansible-core releases meta/runtime.yml supports, one venv each: tests/requirements-ansible-<release>.txt.
CORE_LEGS := $(patsubst tests/requirements-ansible-%.txt,%,$(wildcard tests/requirements-ansible-*.txt))

.PHONY: help venv collection units emulator-tests integration reliability sanity lint changelog-lint doc \
        galaxy-import docs-lint docs ee chromium core-legs $(addprefix core-,$(CORE_LEGS)) \
        test test-runtime test-publishing regenerate demo build clean distclean bench corpus-capture compatibility

help:
	@echo "targets: venv collection units emulator-tests integration reliability sanity lint changelog-lint doc"
	@echo "         galaxy-import docs-lint docs ee core-legs ($(addprefix core-,$(CORE_LEGS))) test demo build clean distclean"
	@echo "         bench corpus-capture compatibility (never part of test)"

# ---------------------------------------------------------------- environment

venv: $(STAMPS)/venv

$(STAMPS)/venv: tests/requirements.txt tests/requirements-base.txt $(EMULATOR_PROJECT)
	@mkdir -p $(STAMPS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt
	@if [ -n "$(EMULATOR_PROJECT)" ]; then \
	  echo "$(BIN)/python -m pip install -e tools/arm_emulator"; \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check -e tools/arm_emulator; \
	else \
	  echo "WARNING: tools/arm_emulator/pyproject.toml not found; emulator not installed" >&2; \
	fi
	$(BIN)/python -m pip check
	touch $@

collection: $(COLLECTION_DIR)

# A relative symlink: .build/collections/ansible_collections/mlops/autoscale -> the repository root.
$(COLLECTION_DIR):
	@mkdir -p $(dir $@)
	ln -sfn ../../../.. $@

# ---------------------------------------------------------------- tests

# Unit tests import ansible_collections.mlops.autoscale.*: the collections root goes on
# PYTHONPATH and pytest gets the tests through the collection symlink, so that (in importlib
# mode) every test module is named ansible_collections.mlops.autoscale.tests.unit.<...>, as
# under ansible-test units: same-named test files in different directories and relative
# imports of test helpers both work, and no conftest.py is needed.
UNITS = PYTHONPATH=$(COLLECTIONS) $(1)/python -m pytest -p no:cacheprovider --import-mode=importlib \
	  -o consider_namespace_packages=true --rootdir $(COLLECTION_DIR) -q $(COLLECTION_DIR)/tests/unit $(PYTEST_ARGS)

units: venv collection
	$(call UNITS,$(BIN))

emulator-tests: venv
	$(BIN)/python -m pytest -p no:cacheprovider -q tests/emulator $(PYTEST_ARGS)

# Debian's chromium, for the browser test of autoscale_simulate's HTML page (tests/integration/test_simulation_page.py).
chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium >/dev/null; }
	chromium --version

# Runs every tests/integration/targets/<name> against a fresh ARM emulator (see tests/integration/conftest.py).
integration: venv collection chromium
	rm -rf tests/output/integration
	PYTHONPATH=$(COLLECTIONS) $(BIN)/python -m pytest -p no:cacheprovider -v tests/integration $(PYTEST_ARGS)

# Reliability and security (faults, races, kills, bad input, auth, secrets): tests/reliability, figures in
# tests/output/reliability/figures.json (docs/reliability.md). After integration: it greps the integration logs.
reliability: venv collection
	PYTHONPATH=$(COLLECTIONS) $(BIN)/python -m pytest -p no:cacheprovider -v -W ignore::DeprecationWarning tests/reliability $(PYTEST_ARGS)

# ansible-test sanity in per-test virtual environments (ansible-test caches them under ~/.ansible/test/venv), no
# ignore files, in a copy of the checkout (hacking/run_sanity.sh says why).
sanity: venv
	hacking/run_sanity.sh $(BIN) $(BUILD)/sanity $(SANITY_ARGS)

lint: venv collection
	$(BIN)/ansible-lint --profile production

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

# Fails if any module's documentation does not render.
doc: venv collection
	@test -n "$(MODULES)" || { echo "no modules in plugins/modules" >&2; exit 1; }
	@for m in $(MODULES); do \
	  echo "ansible-doc $(NAMESPACE).$(NAME).$$m"; \
	  $(BIN)/ansible-doc --json -t module $(NAMESPACE).$(NAME).$$m > $(BUILD)/doc-$$m.json; \
	  $(BIN)/python hacking/check_doc_json.py $(NAMESPACE).$(NAME).$$m $(BUILD)/doc-$$m.json; \
	  $(BIN)/ansible-doc -t module $(NAMESPACE).$(NAME).$$m > /dev/null; \
	done

# ---------------------------------------------------------------- publishing

# As Galaxy and Automation Hub import the tarball: galaxy-importer with ansible-lint and ansible-doc (not ansible-test,
# hacking/galaxy-importer.cfg). Any warning or error it logs fails the target.
galaxy-import: build
	rm -rf $(BUILD)/galaxy-import && mkdir -p $(BUILD)/galaxy-import
	cd $(BUILD)/galaxy-import && GALAXY_IMPORTER_CONFIG=$(CURDIR)/hacking/galaxy-importer.cfg \
	  $(BIN)/python -m galaxy_importer.main $(TARBALL) 2>&1 | tee importer.log
	@! grep -E '^(WARNING|ERROR|CRITICAL)' $(BUILD)/galaxy-import/importer.log || \
	  { echo "galaxy-importer: the warnings and errors above would show on Galaxy" >&2; exit 1; }

# The docs linter the Ansible community runs on collections (markup, references, argument specs).
docs-lint: venv collection
	cd $(COLLECTION_DIR) && $(BIN)/antsibull-docs lint-collection-docs --plugin-docs .

# The collection's documentation site (every plugin, the role, README and docs/*.md) in .build/docs/index.html.
docs: venv collection
	$(BIN)/python hacking/build_docs.py --bin $(BIN) --work $(BUILD)/docs-src --output $(BUILD)/docs

# The execution environment's build context (ee/execution-environment.yml) in .build/ee; no container runtime needed.
# Then: podman build -f .build/ee/Containerfile -t REGISTRY/mlops-autoscale-ee:$(VERSION) .build/ee
# The collection installed from the context's tarball must introspect to requirements.txt, as the image build does.
EE_CONTEXT := $(BUILD)/ee
EE_TARBALL := $(BUILD)/ee-collection/$(NAMESPACE)-$(NAME).tar.gz

ee: build
	rm -rf $(EE_CONTEXT) $(BUILD)/ee-collection $(BUILD)/ee-introspect
	install -D -m 0644 $(TARBALL) $(EE_TARBALL)
	$(BIN)/ansible-builder create -f ee/execution-environment.yml --context $(EE_CONTEXT) --output-filename Containerfile
	ANSIBLE_COLLECTIONS_PATH=$(BUILD)/ee-introspect $(BIN)/ansible-galaxy collection install --offline \
	  -p $(BUILD)/ee-introspect $(EE_CONTEXT)/_build/collections/$(notdir $(EE_TARBALL))
	$(BIN)/ansible-builder introspect --write-pip $(BUILD)/ee-introspect/requirements.txt $(BUILD)/ee-introspect
	$(BIN)/python hacking/check_ee.py $(EE_CONTEXT) $(BUILD)/ee-introspect/requirements.txt requirements.txt

# ---------------------------------------------------------------- older ansible-core releases

# Each release meta/runtime.yml claims gets its own venv (.build/ansible-<release>) and runs the unit tests,
# ansible-test sanity and the seed walkthrough (converges, then changes nothing) against the emulator.
core-legs: $(addprefix core-,$(CORE_LEGS))

$(STAMPS)/venv-ansible-%: tests/requirements-ansible-%.txt tests/requirements-base.txt $(EMULATOR_PROJECT)
	@mkdir -p $(STAMPS)
	test -x $(BUILD)/ansible-$*/bin/python || $(PYTHON) -m venv $(BUILD)/ansible-$*
	$(BUILD)/ansible-$*/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BUILD)/ansible-$*/bin/python -m pip install --quiet --disable-pip-version-check -r tests/requirements-ansible-$*.txt
	$(BUILD)/ansible-$*/bin/python -m pip install --quiet --disable-pip-version-check -e tools/arm_emulator
	$(BUILD)/ansible-$*/bin/python -m pip check
	touch $@

$(addprefix core-,$(CORE_LEGS)): core-%: $(STAMPS)/venv-ansible-% collection
	$(BUILD)/ansible-$*/bin/python -c 'import ansible.release as r; print("ansible-core", r.__version__)'
	$(call UNITS,$(BUILD)/ansible-$*/bin)
	PATH=$(BUILD)/ansible-$*/bin:$$PATH PYTHONPATH=$(COLLECTIONS) $(BUILD)/ansible-$*/bin/python -m pytest -p no:cacheprovider -q \
	  tests/integration/test_playbooks.py -k walkthrough $(PYTEST_ARGS)
	hacking/run_sanity.sh $(BUILD)/ansible-$*/bin $(BUILD)/sanity-$* $(SANITY_ARGS)

# Cheap checks first; then two streams side by side on the machine's two cores, each one step after another (the
# Makefile is .NOTPARALLEL): the runtime tests (integration, then reliability, which reads integration's logs) and the
# publishing checks (Galaxy import, docs, EE, sanity, then the older ansible-core releases). Each line of output is
# prefixed with the time and its stream; make test fails when either stream fails, after both have finished.
STREAM = awk '{ print strftime("%H:%M:%S"), "[$(1)]", $$0; fflush() }'

test: changelog-lint build doc units emulator-tests lint
	@{ $(MAKE) --no-print-directory test-runtime 2>&1 | $(call STREAM,runtime); } & runtime=$$!; \
	{ $(MAKE) --no-print-directory test-publishing 2>&1 | $(call STREAM,publishing); } & publishing=$$!; \
	status=0; wait $$runtime || { status=$$?; echo "make test: the runtime stream failed" >&2; }; \
	wait $$publishing || { status=$$?; echo "make test: the publishing stream failed" >&2; }; \
	exit $$status

test-runtime: venv collection
	$(MAKE) --no-print-directory integration
	$(MAKE) --no-print-directory reliability

test-publishing: venv collection
	$(MAKE) --no-print-directory galaxy-import
	$(MAKE) --no-print-directory docs-lint
	$(MAKE) --no-print-directory docs
	$(MAKE) --no-print-directory ee
	$(MAKE) --no-print-directory sanity
	$(MAKE) --no-print-directory core-legs

# ---------------------------------------------------------------- generated text

# The doc fragments, the role's argument specs and defaults, and docs/simulation.md's parameter table, written from
# plugins/module_utils/_vocabulary.py (tests/unit/plugins/module_utils/test_vocabulary.py fails when the checked-in text differs).
regenerate: venv
	$(BIN)/python hacking/regenerate.py

# ---------------------------------------------------------------- demo / build

demo: venv collection
	hacking/with-emulator.sh --state-dir $(BUILD)/demo-state -- $(BIN)/ansible-playbook -i playbooks/inventory playbooks/demo.yml

build: venv
	@mkdir -p $(BUILD)/dist
	$(BIN)/ansible-galaxy collection build --force --output-path $(BUILD)/dist .

# ---------------------------------------------------------------- benchmark (never part of `make test`)

# `make bench` measures our modules against azure.azcollection's azure_rm_autoscale on the ARM emulator
# (added latency per ARM call, one seeded fleet) and writes docs/performance.md; see bench/README.md.
# Quick run: make bench BENCH_SIZES="1 10". The peer runs in its own venv, cached by a stamp (large: ~1.5 GB).
BENCH_DIR := $(BUILD)/bench
PEER_VENV := $(BENCH_DIR)/peer-venv
BENCH_SIZES ?= 1 10 50 200
BENCH_FORKS ?= 10
BENCH_LATENCY_MS ?= 40
BENCH_ARGS ?=

$(STAMPS)/bench-peer-venv: bench/peer-requirements.txt
	@mkdir -p $(STAMPS) $(BENCH_DIR)
	test -x $(PEER_VENV)/bin/python || $(PYTHON) -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PEER_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r bench/peer-requirements.txt
	$(PEER_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
	  -r "$$($(PEER_VENV)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/ansible_collections/azure/azcollection/requirements.txt"
	touch $@

bench: venv collection $(STAMPS)/bench-peer-venv
	install -m 0644 bench/peer_sitecustomize.py \
	  "$$($(PEER_VENV)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/sitecustomize.py"
	$(BIN)/python bench/run.py --sizes "$(BENCH_SIZES)" --forks $(BENCH_FORKS) --latency-ms $(BENCH_LATENCY_MS) \
	  --peer-venv $(PEER_VENV) --work $(BENCH_DIR) --doc docs/performance.md $(BENCH_ARGS)

# ---------------------------------------------------------------- corpus (never part of `make test`)

# `make corpus-capture` runs the real Azure CLI, the seed how-to's Python SDK steps and azure.azcollection against the
# ARM emulator, in a network namespace that has only loopback, and rewrites tests/corpus/{azure-cli,azure-sdk-sample,
# azure.azcollection} (hacking/capture_corpus.py); then docs/compatibility.md. It installs azure-cli (about 730 MB) and
# the benchmark's peer (about 1.5 GB) into .build once; it needs `unshare` (util-linux) and `ip` (iproute2).
AZURE_CLI_VENV := $(BUILD)/azure-cli-venv
AZURE_CLI_VERSION ?= 2.91.0
CAPTURE := unshare --net --map-root-user bash -c

$(STAMPS)/azure-cli-venv:
	@mkdir -p $(STAMPS)
	test -x $(AZURE_CLI_VENV)/bin/python || $(PYTHON) -m venv $(AZURE_CLI_VENV)
	$(AZURE_CLI_VENV)/bin/python -m pip install --quiet --disable-pip-version-check azure-cli==$(AZURE_CLI_VERSION)
	touch $@

corpus-capture: venv $(STAMPS)/azure-cli-venv $(STAMPS)/bench-peer-venv
	install -m 0644 bench/peer_sitecustomize.py \
	  "$$($(PEER_VENV)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/sitecustomize.py"
	$(CAPTURE) 'ip link set lo up && $(BIN)/python hacking/capture_corpus.py azure-cli --az $(AZURE_CLI_VENV)/bin/az'
	$(CAPTURE) 'ip link set lo up && $(BIN)/python hacking/capture_corpus.py azure-sdk-sample'
	$(CAPTURE) 'ip link set lo up && $(BIN)/python hacking/capture_corpus.py azure.azcollection --peer-venv $(PEER_VENV)'
	$(MAKE) compatibility

# docs/compatibility.md from tests/corpus (test_corpus.py checks that it is up to date).
compatibility: venv
	$(BIN)/python tests/integration/corpus.py docs/compatibility.md

clean:
	rm -rf $(BUILD) tests/output .pytest_cache

distclean: clean
	rm -rf $(VENV)
