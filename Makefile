# The two commands of the README: `make book` and `make test`.
# Each creates .venv from requirements.txt (pinned) when it is missing or stale.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# WHEELHOUSE=folder: install from a folder made by `make wheelhouse`, without internet
PIPFROM := $(if $(WHEELHOUSE),--no-index --find-links "$(WHEELHOUSE)")

.PHONY: book test chapter bench clean venv

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $(PIPFROM) -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $(PIPFROM) --no-deps -e .
	@touch $(STAMP)

## make book [DATA=path/to/real-file.dta]: execute changed chapters, build _build/html
# `exec`: the shell gives way to Python, so Ctrl-C and `kill -TERM` (which make passes on) reach the build
book: $(STAMP)
	exec $(BIN)/python -m hukoumob.book.build $(if $(DATA),--data "$(DATA)")

## make test: the whole test suite, including the end-to-end build of every chapter
test: $(STAMP)
	exec $(BIN)/python -m pytest

## make chapter NAME=04_mobility_tables PARAMS="name=value ...": re-run one chapter
# without NAME, the build stops with the list of chapters
chapter: $(STAMP)
	exec $(BIN)/python -m hukoumob.book.build --only $(NAME) $(foreach p,$(PARAMS),-p $(p)) $(if $(DATA),--data "$(DATA)")

## make bench: print timings of the benchmarks in benchmarks/
bench: $(STAMP)
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf _build results book/*.ipynb book/*.zip

## make wheelhouse [WHEELHOUSE=wheelhouse]: download every pinned package (and the build backend)
## into a folder; on a machine without internet, `make book WHEELHOUSE=that/folder` installs from it
.PHONY: wheelhouse
wheelhouse:
	$(PYTHON) -m pip download --quiet --disable-pip-version-check -d "$(or $(WHEELHOUSE),wheelhouse)" -r requirements.txt
	$(PYTHON) -m pip download --quiet --disable-pip-version-check -d "$(or $(WHEELHOUSE),wheelhouse)" "setuptools>=61" wheel
	@echo "wheelhouse ready: $(or $(WHEELHOUSE),wheelhouse) ($$(ls "$(or $(WHEELHOUSE),wheelhouse)" | wc -l) files); offline: make book WHEELHOUSE=$(or $(WHEELHOUSE),wheelhouse)"

## make replica [CALIBRATE=1]: regenerate data/replica/men.csv from data/replica/params.json (re-fit them first with CALIBRATE=1)
.PHONY: replica
replica: $(STAMP)
	$(BIN)/python -m hukoumob.replica $(if $(CALIBRATE),--calibrate)
