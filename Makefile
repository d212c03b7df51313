# Set-up and everyday commands. Every target creates the virtual environment when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE := data/sample
OUT := out/report

.PHONY: report report-picture lab test lint bench system clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# System packages the PDF route and the browser tests need (Debian; root or sudo): chromium
# (chart images, browser tests), poppler-utils (pdftoppm), LibreOffice Impress (the deck's
# conversion test), fonts (the printed pages).
SYSTEM_PACKAGES := chromium poppler-utils libreoffice-impress-nogui fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0
system:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1 || ! command -v soffice >/dev/null 2>&1 \
	    || { command -v dpkg >/dev/null 2>&1 && ! dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1; }; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    $(SYSTEM_PACKAGES) >/dev/null; \
	fi

## The client report for the bundled sample organisation (HTML, PDF, PowerPoint, Excel) in out/report.
report: $(STAMP) system
	$(BIN)/culture-diagnostics report $(SAMPLE) --out $(OUT)
	@echo "Report written to $(OUT)/. Open the notebooks with: make lab"

## The README's picture of the report's first pages (docs/report-pages.png, from the sample's PDF).
report-picture: report
	$(BIN)/python -m diagnostics.report.preview $(OUT)/report.pdf docs/report-pages.png

## JupyterLab on the notebooks.
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

## Lint, types, the test suite (known answers, properties, contract, notebooks end to end, browser).
test: $(STAMP) system
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 --timeout 900

## Benchmarks (not part of the tests): loading, segmentation, networks, report.
bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache .mypy_cache
