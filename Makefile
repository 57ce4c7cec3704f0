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

# The fast suite runs in 3 pytest-xdist workers: its tests often wait (for the fake
# Bot API, the database, a bot process), so one more worker than cores is faster, but
# each worker also costs CPU of its own. Measured on the quiet 2-core machine, same
# tree, minutes apart: 2 workers 3 min 55 s (342 s CPU), 3 workers 3 min 17 s (337 s),
# 4 workers 3 min 38 s (412 s). No reruns: a test that fails once has found a race.
PYTEST_WORKERS ?= 3
# Bytecode is written even where PYTHONDONTWRITEBYTECODE is set (some sandboxes set it):
# without it every worker re-rewrites the assertions of every test module and every bot
# process a test starts compiles the tree again (collecting the suite: 8.7 s of CPU per
# worker instead of 5.1). The caches go to __pycache__/ folders, which git ignores.
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest

# mypy runs beside the tests and its report follows theirs: on a clean clone its cache is
# cold (≈ 23 s of CPU, all before the first test when run first), and the test workers leave
# the cores idle while they wait. Either failing fails the target.
test: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	@log=$$(mktemp); $(BIN)/mypy >"$$log" 2>&1 & mypy=$$!; \
	echo "$(PYTEST) -q -n $(PYTEST_WORKERS) --dist worksteal $(ARGS)  (mypy beside it)"; \
	$(PYTEST) -q -n $(PYTEST_WORKERS) --dist worksteal $(ARGS); tests=$$?; \
	wait $$mypy; types=$$?; echo "$(BIN)/mypy"; cat "$$log"; rm -f "$$log"; \
	[ $$tests -eq 0 ] && [ $$types -eq 0 ]

test-slow: setup
	HYPOTHESIS_EXPLORE=1 $(PYTEST) -q -m slow $(ARGS)

test-all: setup
	HYPOTHESIS_EXPLORE=1 $(PYTEST) -q -m "slow or not slow" $(ARGS)

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: setup
	$(BIN)/python -m bench $(ARGS)

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache .mypy_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
