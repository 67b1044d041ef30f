# Set-up and everyday commands. On a fresh machine, `make demo` and `make test` do everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BRIEFGEN := $(VENV)/bin/briefgen

# Fonts the templates name (Noto Serif/Sans, Noto Naskh Arabic for the Arabic line, Amiri as
# fallback), Noto Color Emoji (Typst's PDF/UA refuses a glyph no font has, so an emoji in a
# spec would fail the PDF), poppler-utils for pdftotext/pdftoppm; LibreOffice only for tests.
APT_RUNTIME := fonts-noto-core fonts-hosny-amiri fonts-liberation2 fonts-noto-color-emoji poppler-utils
APT_TEST := libreoffice-writer-nogui
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test bench system-deps test-system-deps venv clean

demo: system-deps venv
	$(BRIEFGEN) build briefs/*.yaml -o output

test: system-deps test-system-deps venv
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m pytest -q

bench: system-deps venv
	$(PY) -m pip install --quiet -e '.[bench,test]'
	# Byte-compile the sources: where PYTHONDONTWRITEBYTECODE is set (as on these machines),
	# every run would otherwise recompile briefgen's modules and the timings would show it.
	$(PY) -m compileall -q src
	$(PY) benchmarks/run.py
	$(PY) benchmarks/fuzz_specs.py  # 4,000 Hypothesis-made specs, none may crash (~5 min)

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

# Install only what is missing, so a warm machine does not wait on apt.
system-deps:
	@missing=$$(for p in $(APT_RUNTIME); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

test-system-deps:
	@missing=$$(for p in $(APT_TEST); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

clean:
	rm -rf $(VENV) output/*.docx output/*.pdf build .pytest_cache
