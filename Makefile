# Two commands for a fresh clone (only Python 3.11+ needed):
#   make demo   install into .venv and build the bundled sample study
#   make test   install into .venv and run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: demo test bench clean

$(BIN)/dialogcode: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/dialogcode
	$(BIN)/dialogcode run corpora/sample-study

test: $(BIN)/dialogcode
	$(BIN)/python -m pytest

bench: $(BIN)/dialogcode
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) corpora/sample-study/out
