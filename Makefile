# Two commands do everything on a fresh machine (see README):
#   make demo   — install what is missing, start Neo4j, load the sample, analyse, write the report
#   make test   — install what is missing, run the whole test suite against a real Neo4j
PYTHON ?= python3
# Packages mypy checks (config in pyproject.toml: strict for graph and queries): the whole tree.
MYPY_CLEAN ?= graph queries ingest api viz

.PHONY: setup demo test lint bench
setup:
	bash scripts/setup.sh

demo: setup
	$(PYTHON) -m api.cli demo

test: setup
	$(PYTHON) -m ruff check .
	lint-imports
	$(PYTHON) -m mypy $(MYPY_CLEAN)
	$(PYTHON) -m pytest

lint:
	$(PYTHON) -m ruff check .
	lint-imports
	$(PYTHON) -m mypy $(MYPY_CLEAN)

# Benchmarks empty the graph they point at: run them against a scratch engine (docs/benchmarks.md).
bench:
	@echo "see docs/benchmarks.md: python bench/<ingest|overlap|gaps|coverage|explorer|report|api>.py --yes"
