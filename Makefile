# One command builds the site, one runs the tests; both set up the environment first.
#   make book    execute the chapters (cached), strip answers, release, render _build/html
#   make test    run the test suite (builds what it needs)
#   make release student notebooks in autograder/release/
#   make grade SUBMISSIONS=folder   autograde <student>/<chapter>/<chapter>.ipynb
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Offline data: a mirror folder laid out like ../shared/data (see README).
export SEQGEN_DATA_MIRROR ?= $(abspath ../shared/data)
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL ?= 2
# OpenMP (torch's CPU threads) waits by sleeping: spinning threads starve each other on a shared CPU
# (see solutions/__init__.py and benchmarks/speed.py).
export OMP_WAIT_POLICY ?= PASSIVE

.PHONY: setup book release grade test test-fast train-lstm results ingest-results bench bench-grade clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(PIP_EXTRA) -c constraints.txt -e ".[course]"
	touch $(STAMP)

book: setup
	$(PY) -m autograder.cli book

release: setup
	$(PY) -m autograder.cli release

grade: setup
	@test -n "$(SUBMISSIONS)" || (echo "usage: make grade SUBMISSIONS=path/to/submissions" && exit 2)
	$(PY) -m autograder.cli grade "$(SUBMISSIONS)" $(if $(JOBS),--jobs $(JOBS))

test: setup
	$(PY) -m pytest

# Everything but the slow pipeline tests (nbgrader runs, book build).
test-fast: setup
	$(PY) -m pytest -m "not slow"

train-lstm: setup
	$(PY) -m solutions.train lstm_lm --preset cpu --device auto

# Full presets (the sources' settings) into results/<name>/full/seed<S>/result.json, then the README's table.
#   make results NAMES="seq2seq attention_seq2seq" SEEDS="0 1 2"   (default: every experiment, seed 0)
# One run at a time; the book's Results page is drawn from the committed JSON when it is built.
NAMES ?=
SEEDS ?= 0
results: setup
	@names="$(NAMES)"; test -n "$$names" || names="$$($(PY) -m autograder.results names)"; \
	for name in $$names; do for seed in $(SEEDS); do \
	  echo "== $$name seed $$seed"; \
	  $(PY) -m solutions.train $$name --preset full --seed $$seed --save results/$$name/full/seed$$seed || exit 1; \
	done; done
	$(PY) -m autograder.results readme

# Take run folders written elsewhere by `--save` (e.g. RUNS=runs/seq2seq) into results/, unchanged;
# a run that changed the full preset (--epochs, --set) needs ALLOW_OVERRIDES=1 (the page then says what changed).
ingest-results: setup
	@test -n "$(RUNS)" || (echo "usage: make ingest-results RUNS='runs/NAME ...' [ALLOW_OVERRIDES=1]" && exit 2)
	$(PY) -m autograder.results ingest $(if $(ALLOW_OVERRIDES),--allow-overrides) $(RUNS)

# Side-by-side speed ratios (Keras vs the torch reference, NumPy vs torch); never a test.
bench: setup
	$(PY) benchmarks/peak.py
	$(PY) benchmarks/lstm_lm.py
	$(PY) benchmarks/char_gru.py

# 100 chapter-6 submissions (correct, stub, wrong, hostile) through the sandboxed grader; never a test.
bench-grade: setup
	$(PY) benchmarks/grade_ch6.py $(if $(JOBS),--jobs $(JOBS))

clean:
	rm -rf _build rendered .cache autograder/source autograder/release autograder/submitted \
	       autograder/autograded autograder/feedback autograder/gradebook.db autograder/grades.csv \
	       autograder/graded autograder/grades_long.csv autograder/work

# The released answers (autograder/answers.py), generated from the book's answer cells, never committed.
#   make answers                  seqgen_answers/ (every chapter) for the course environment; the tests and `make book` do it too
#   make release-answers UPTO=3   the wheel seqgen_answers-3 (chapters 1-3) to hand out after chapter 3's deadline
.PHONY: answers release-answers
answers: setup
	$(PY) -m autograder.answers write

release-answers: setup
	@test -n "$(UPTO)" || (echo "usage: make release-answers UPTO=<last chapter released, e.g. 3>" && exit 2)
	$(PY) -m autograder.answers wheel --upto $(UPTO)
