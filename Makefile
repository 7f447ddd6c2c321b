# The two commands of the README: `make serve` and `make test`. Both set up what they need.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: serve test setup lint clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

setup: $(BIN)/.installed

serve: setup
	$(BIN)/medkg serve

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest
	$(BIN)/pytest --medkg-store=sparql  # the app-level tests again, over a real `oxigraph serve`

clean:
	rm -rf .medkg build dist src/*.egg-info
