# Set-up and everyday commands. On a fresh machine, `make demo` and `make test` do everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BRIEFGEN := $(VENV)/bin/briefgen

# Fonts the templates name (Noto Serif/Sans, Noto Naskh Arabic for the Arabic line, Amiri as
# fallback), Noto Color Emoji (Typst's PDF/UA refuses a glyph no font has, so an emoji in a
# spec would fail the PDF), poppler-utils for pdftotext/pdftoppm; LibreOffice and Chromium only for tests (Chromium drives the preview tests).
APT_RUNTIME := fonts-noto-core fonts-hosny-amiri fonts-liberation2 fonts-noto-color-emoji poppler-utils
APT_TEST := libreoffice-writer-nogui chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Every install takes the exact versions in constraints.txt (made by `make lock`); pyproject.toml
# keeps only lower bounds, for people who install briefgen as a library.
PIP_INSTALL := $(PY) -m pip install --quiet -c constraints.txt

.PHONY: demo test test-latest lock bench system-deps test-system-deps venv clean

demo: system-deps venv
	$(BRIEFGEN) build briefs/*.yaml -o output

test: system-deps test-system-deps venv
	$(PIP_INSTALL) -e '.[test]'
	$(PY) tools/check_pins.py constraints.txt
	$(PY) -m pytest -q

# The suite against the newest release of everything, in a throwaway venv: drift shows here
# before it breaks a new machine. Not part of CI, whose job is the pinned set.
LATEST_VENV := $(shell mktemp -u /tmp/briefgen-latest.XXXXXX)
test-latest: system-deps test-system-deps
	$(PYTHON) -m venv $(LATEST_VENV)
	$(LATEST_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LATEST_VENV)/bin/python -m pip install --quiet --upgrade -e '.[test]'
	@# Which newest releases differ from the pins: what a `make lock` would bring in.
	-$(LATEST_VENV)/bin/python tools/check_pins.py constraints.txt
	$(LATEST_VENV)/bin/python -m pytest -q -p no:cacheprovider; status=$$?; \
	  rm -rf $(LATEST_VENV); exit $$status

# Regenerate constraints.txt from pyproject.toml (all extras) with pip-compile, in a venv of
# its own so pip-tools never enters the project's.
LOCK_VENV := .cache/lock-venv
lock:
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet pip-tools
	$(LOCK_VENV)/bin/pip-compile --quiet --upgrade --strip-extras --no-emit-index-url \
	  --no-emit-find-links --extra test --extra bench --output-file constraints.txt pyproject.toml

bench: system-deps venv
	$(PIP_INSTALL) -e '.[bench,test]'
	# Byte-compile the sources: where PYTHONDONTWRITEBYTECODE is set (as on these machines),
	# every run would otherwise recompile briefgen's modules and the timings would show it.
	$(PY) -m compileall -q src
	$(PY) benchmarks/run.py
	$(PY) benchmarks/preview_latency.py  # save -> updated page in chromium, median of 10
	$(PY) benchmarks/catalog_scale.py  # 10,000 and 100,000 sources: index build, re-open, find vs --version
	$(PY) benchmarks/fuzz_specs.py  # 4,000 Hypothesis-made specs, none may crash (~5 min)
	$(PY) benchmarks/fuzz_word_files.py  # 300 mutated reference.docx files and 300 reports for attach
	$(PY) benchmarks/attacks.py  # each attack class of hostile input: exit, seconds, peak memory

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PIP_INSTALL) -e .
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
