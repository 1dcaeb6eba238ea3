# maliradio: `make run` starts the app, `make test` runs the whole suite headless.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test bench lint sysdeps test-sysdeps clean translations

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

sysdeps:
	@sh packaging/check-sysdeps.sh run

test-sysdeps:
	@sh packaging/check-sysdeps.sh test

run: sysdeps $(STAMP)
	$(BIN)/maliradio

test: test-sysdeps $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

bench: test-sysdeps $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/run.py

translations: $(STAMP)
	$(BIN)/pyside6-lupdate $$(git ls-files "src/maliradio/*.py") -source-language fr -target-language en -ts resources/translations/maliradio_en.ts

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(VENV) build dist src/*.egg-info
