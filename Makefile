# Two commands do everything on a fresh machine (Python 3.11+ and pip):
#   make demo   set up, then try the bot against the built-in fake Telegram
#   make test   set up, then run the test suite (fast subset)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup demo run test test-all test-slow lint bench clean

$(BIN)/cchc-bot: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(BIN)/cchc-bot

setup: $(BIN)/cchc-bot

demo: setup
	$(BIN)/cchc-bot demo $(ARGS)

run: setup
	$(BIN)/cchc-bot run $(ARGS)

# End-to-end tests run a real bot against a real HTTP server on a shared
# 2-core machine; a test that fails once is rerun (and reported as "rerun").
test: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/python -m pytest -q --reruns 2 $(ARGS)

test-slow: setup
	$(BIN)/python -m pytest -q -m slow $(ARGS)

test-all: setup
	$(BIN)/python -m pytest -q -m "slow or not slow" $(ARGS)

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: setup
	$(BIN)/python -m bench $(ARGS)

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache .mypy_cache
