# maliradio: `make run` starts the app, `make test` runs the whole suite headless.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PKG_STAMP := $(VENV)/.installed-package

.PHONY: run test bench lint sysdeps test-sysdeps clean translations package package-test

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

run: sysdeps $(STAMP) $(QM)
	$(BIN)/maliradio

# the packages held to mypy --strict (their typing is a gate of `make test`)
MYPY_STRICT := src/maliradio/catalog src/maliradio/playback src/maliradio/datameter.py src/maliradio/news src/maliradio/net

test: test-sysdeps $(TEST_STAMP) $(QM)
	$(BIN)/mypy $(MYPY_STRICT)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

.PHONY: bench-sysdeps
bench-sysdeps:
	@sh packaging/check-sysdeps.sh bench

# the figures of bench/README.md (about 15 minutes; bench/results.json)
bench: bench-sysdeps $(TEST_STAMP)
	$(BIN)/python bench/run.py

# the strings of the interface into the .ts (then translate the new ones, e.g. in
# pyside6-linguist), and the .qm built from it. playback/status.py is left to ui/i18n.py, which
# lists its strings: lupdate misreads its `tr = QCoreApplication.translate` alias.
TS := resources/translations/maliradio_en.ts
QM := $(TS:.ts=.qm)
translations: $(STAMP)
	$(BIN)/pyside6-lupdate $$(git ls-files "src/maliradio/*.py" | grep -v "playback/status.py") \
		-source-language fr -target-language en -locations relative -no-obsolete -ts $(TS)
	$(BIN)/pyside6-lrelease -silent $(TS) -qm $(QM)

# built, never committed (the app reads the .ts itself when the .qm is missing or older)
$(QM): $(TS) | $(STAMP)
	$(BIN)/pyside6-lrelease -silent $(TS) -qm $(QM)

$(PKG_STAMP): packaging/requirements-build.txt $(STAMP)
	$(BIN)/python -m pip install -q -r packaging/requirements-build.txt
	touch $@

# dist/maliradio/ (PyInstaller one-folder bundle) and dist/maliradio_<version>_<arch>.deb
package: $(PKG_STAMP) $(QM)
	@sh packaging/check-sysdeps.sh package
	$(BIN)/python packaging/make_icons.py build/icons
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist \
		--workpath build/pyinstaller packaging/maliradio.spec
	$(BIN)/python packaging/linux/build_deb.py

# installs the .deb on fresh Debian 12 and 13 roots and uses it there (root, mmdebstrap)
package-test: $(TEST_STAMP)
	@sh packaging/check-sysdeps.sh package
	$(BIN)/python packaging/linux/package_test.py

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(VENV) build dist src/*.egg-info
