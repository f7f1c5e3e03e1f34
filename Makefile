# One command builds the site, one runs the tests; both set up the environment first.
#   make book    execute the chapters (cached), strip answers, release, render _build/html
#   make serve   serve _build/html on http://127.0.0.1:8000/ (PORT=N), as it will be published
#   make test    run the test suite (builds what it needs)
#   make release student notebooks in course/release/
#   make release-answers UPTO=N   chapters 1-N's answers as a wheel in course/release/answers/
#   make grade SUBMISSIONS=folder   autograde <student>/<chapter>/<chapter>.ipynb into course/
# Everything release and grade write goes to the course folder: COURSE=path (default course/, or $SEQGEN_COURSE).
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
# The course folder (releases, records, feedback, CSVs): COURSE=path, else $SEQGEN_COURSE, else course/.
COURSE_DIR := $(or $(COURSE),$(SEQGEN_COURSE),course)
COURSE_FLAG := $(if $(COURSE),--course "$(COURSE)")

.PHONY: setup book serve release answers release-answers grade test test-fast train-lstm results ingest-results gpu-check bench bench-grade clean clean-course

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(PIP_EXTRA) -c constraints.txt -e ".[course,cluster]"
	touch $(STAMP)

book: setup
	$(PY) -m autograder.cli book $(COURSE_FLAG)

# The built site over HTTP on 127.0.0.1 (it prints the address); a busy port is replaced by a free one.
PORT ?= 8000
serve: setup
	$(PY) -m autograder.publishing.serve --port $(PORT)

release: setup
	$(PY) -m autograder.cli release $(COURSE_FLAG)

grade: setup
	@test -n "$(SUBMISSIONS)" || (echo "usage: make grade SUBMISSIONS=path/to/submissions" && exit 2)
	$(PY) -m autograder.cli grade "$(SUBMISSIONS)" $(if $(JOBS),--jobs $(JOBS)) $(COURSE_FLAG)

test: setup
	$(PY) -m pytest

# Everything but the slow tests (executed notebooks, the sandboxed grader, the book build).
test-fast: setup
	$(PY) -m pytest -m "not slow"

train-lstm: setup
	$(PY) -m solutions.train lstm_lm --preset cpu --device auto

# Full presets (the sources' settings) into results/<name>/<preset>/seed<S>/result.json, then the README's tables.
#   make results NAMES="seq2seq attention_seq2seq" SEEDS="0 1 2"   (default: every experiment, seed 0)
# One run at a time; the book's Results page is drawn from the committed JSON when it is built.
NAMES ?=
SEEDS ?= 0
PRESET ?= full
results: setup
	@names="$(NAMES)"; test -n "$$names" || names="$$($(PY) -m autograder.publishing.results names)"; \
	for name in $$names; do for seed in $(SEEDS); do \
	  echo "== $$name $(PRESET) seed $$seed"; \
	  $(PY) -m solutions.train $$name --preset $(PRESET) --seed $$seed --save results/$$name/$(PRESET)/seed$$seed || exit 1; \
	done; done
	$(PY) -m autograder.publishing.readme

# Take run folders written elsewhere by `--save` (e.g. RUNS=runs/seq2seq) into results/, unchanged;
# a run that changed the full preset (--epochs, --set) needs ALLOW_OVERRIDES=1 (the page then says what changed).
ingest-results: setup
	@test -n "$(RUNS)" || (echo "usage: make ingest-results RUNS='runs/NAME ...' [ALLOW_OVERRIDES=1]" && exit 2)
	$(PY) -m autograder.publishing.results ingest $(if $(ALLOW_OVERRIDES),--allow-overrides) $(RUNS)
	$(PY) -m autograder.publishing.readme

# One prepared GPU run, about 10 minutes on one H100 (solutions/gpu_check.py): every model on the device against the
# CPU, nanoGPT's character preset to its bar into results/gpt_shakespeare_char/full/seed0/, one timed epoch of every
# other full preset into results/gpu/. Runs with the GPU machine's own Python (its CUDA PyTorch; no .venv); the data
# must be reachable: copy ../shared/data into the checkout (e.g. data-mirror/, carried) and pass
# SEQGEN_DATA_MIRROR=$$PWD/data-mirror.
GPU_PYTHON ?= python3
gpu-check:
	PYTHONUNBUFFERED=1 $(GPU_PYTHON) -m solutions.gpu_check --out results/gpu

# Side-by-side speed ratios (Keras vs the torch reference, NumPy vs torch); never a test.
bench: setup
	$(PY) benchmarks/peak.py
	$(PY) benchmarks/lstm_lm.py
	$(PY) benchmarks/char_gru.py --levers --only fused_gru fused_gru+1_thread

# 100 chapter-6 submissions (correct, stub, wrong, hostile) through the sandboxed grader; never a test.
# COUNT=N keeps the mix at N submissions; COMPARE="1 2" grades them once per --jobs value, side by side.
bench-grade: setup
	$(PY) benchmarks/grade_ch6.py $(if $(JOBS),--jobs $(JOBS)) $(if $(COUNT),--count $(COUNT)) $(if $(COMPARE),--compare $(COMPARE))

# What `make book` and `make release` regenerate; never the grades (course/graded, feedback, CSVs).
clean:
	rm -rf _build rendered .cache "$(COURSE_DIR)/release" "$(COURSE_DIR)/work"

# The whole course folder, grades and feedback included: only when you mean it.
clean-course:
	rm -rf "$(COURSE_DIR)"

# The released answers (autograder/answers.py), generated from the book's answer cells, never committed.
#   make answers                  seqgen_answers/ (every chapter) for the course environment; the tests and `make book` do it too
#   make release-answers UPTO=3   the wheel seqgen_answers-3 (chapters 1-3) into $(COURSE_DIR)/release/answers/,
#                                 to hand out after chapter 3's deadline
answers: setup
	$(PY) -m autograder.cli answers

release-answers: setup
	@test -n "$(UPTO)" || (echo "usage: make release-answers UPTO=<last chapter released, e.g. 3>" && exit 2)
	$(PY) -m autograder.cli release-answers --upto $(UPTO) $(COURSE_FLAG)
