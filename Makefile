# marchwest: `make run` builds everything, `make test` checks everything. `make` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LAB_VENV := .venv-lab
LAB_PY := $(LAB_VENV)/bin/python

.DEFAULT_GOAL := help
.PHONY: help install lab-install run test lint bench lab nbdime validate export site lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml requirements/lock.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is needed (PYTHON=$(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip==25.3
	$(PY) -m pip install -q -r requirements/lock.txt
	$(PY) -m pip install -q -c requirements/lock.txt -e '.[build,test]'
	@touch $@

install: $(VENV)/.installed ## Create .venv with the pinned dependencies and the package (idempotent)

# JupyterLab lives in its own environment: its dependencies slow every notebook-format import
# by ~2.6 s (see README, Performance), so the pipeline's environment does without them.
$(LAB_VENV)/.installed: pyproject.toml requirements/lab-lock.txt
	$(PYTHON) -m venv $(LAB_VENV)
	$(LAB_PY) -m pip install -q --upgrade pip==25.3
	$(LAB_PY) -m pip install -q -r requirements/lab-lock.txt
	$(LAB_PY) -m pip install -q --no-deps -e .
	$(LAB_PY) -m marchwest.build.jupyterlab
	@touch $@

lab-install: $(LAB_VENV)/.installed ## Create .venv-lab: the package plus JupyterLab

validate: install ## Check the ledger (python -m marchwest validate data)
	$(PY) -m marchwest validate data

export: install ## Export every table to data/processed (CSV, Parquet, datapackage.json)
	$(PY) -m marchwest export data/processed

run: install ## Set up, validate the data, execute the notebooks in place, build site/
	$(PY) -m marchwest validate data
	$(PY) -m marchwest run
	$(PY) -m marchwest export data/processed
	$(PY) -m marchwest site site

site: install ## Build site/ from the committed notebooks
	$(PY) -m marchwest site site

# Two workers (pytest-xdist); --dist loadscope keeps each module, and each notebook's cells, on one.
test: install lab-install lint ## Set up, then run the whole test suite (lint, library, notebooks under nbval, browser, JupyterLab)
	$(PY) -m pytest tests notebooks --nbval --nbval-current-env -p no:cacheprovider -n 2 --dist loadscope

lint: install ## ruff: lint and format check of the code and notebooks
	$(VENV)/bin/ruff check src tests benchmarks tools notebooks
	$(VENV)/bin/ruff format --check src tests benchmarks tools notebooks

bench: install ## Measure the speed budgets (benchmarks/bench.py)
	$(PY) benchmarks/bench.py

# As root (containers, CI boxes) JupyterLab refuses to start without --allow-root: say so and start.
lab: lab-install ## Open JupyterLab on the notebooks (maps draw offline, no news requests)
	@$(LAB_PY) -m marchwest.build.jupyterlab
	@if [ "$$(id -u)" = 0 ]; then echo "note: running as root, so JupyterLab starts with --allow-root"; \
	  exec $(LAB_VENV)/bin/jupyter lab --allow-root notebooks; \
	else exec $(LAB_VENV)/bin/jupyter lab notebooks; fi

# The drivers that .gitattributes names for *.ipynb, in this clone's .git/config, by absolute path
# (git runs them outside .venv-lab). `nbdime config-git --enable` would name them by PATH instead.
nbdime: lab-install ## Make git diff/merge show notebooks cell by cell (nbdime, this clone only)
	git config diff.jupyternotebook.command "$(CURDIR)/$(LAB_VENV)/bin/git-nbdiffdriver diff"
	git config merge.jupyternotebook.driver "$(CURDIR)/$(LAB_VENV)/bin/git-nbmergedriver merge %O %A %B %L %P"
	git config merge.jupyternotebook.name "jupyter notebook merge driver"

LOCK_TMP := $(shell mktemp -u /tmp/marchwest-lock.XXXX)
lock: ## Regenerate requirements/lock.txt and lab-lock.txt from pyproject.toml (throw-away venvs)
	$(PYTHON) -m venv $(LOCK_TMP) && $(LOCK_TMP)/bin/pip install -q '.[build,test]'
	{ echo '# Every package of .venv (runtime, build and tests), exact. Regenerate with make lock.'; \
	  $(LOCK_TMP)/bin/pip freeze --exclude marchwest; } > requirements/lock.txt
	$(LOCK_TMP)/bin/pip install -q '.[build,test,lab]'
	{ echo '# Every package of .venv-lab (.venv plus JupyterLab), exact. Regenerate with make lock.'; \
	  $(LOCK_TMP)/bin/pip freeze --exclude marchwest; } > requirements/lab-lock.txt
	rm -rf $(LOCK_TMP)

clean: ## Remove the environments and built files
	rm -rf $(VENV) $(LAB_VENV) site data/processed/*.csv data/processed/*.parquet data/processed/datapackage.json
