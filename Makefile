# Two commands matter: `make book` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS = $(shell find book -name '*.ipynb' -not -path '*/_build/*' -not -path '*/.ipynb_checkpoints/*' | sort)

# The environment the stored outputs were made in: nbval compares against it.
export MPLBACKEND := module://matplotlib_inline.backend_inline
export PYTHONHASHSEED := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# One BLAS thread: on 2 shared cores, threaded BLAS makes small matrix work up to 20x slower,
# and a fixed thread count keeps floating-point summation order (and stored outputs) stable.
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1
export MKL_NUM_THREADS := 1

.PHONY: setup book test unit notebooks matrix launch browser lint format refresh bench lab clean

setup: $(STAMP)

# The venv is built exactly as Binder builds its image (binder/requirements.txt, then
# binder/postBuild), so nbval executing every notebook here also proves the Binder path.
$(STAMP): requirements.txt binder/requirements.txt binder/postBuild pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r binder/requirements.txt
	PATH="$(CURDIR)/$(BIN):$$PATH" bash binder/postBuild
	touch $@

# axe-core for the accessibility audit (npm; only the tests need it, not the book or make lab).
AXE := tests/browser/node_modules/.package-lock.json
$(AXE): tests/browser/package-lock.json
	npm ci --silent --no-audit --no-fund --prefix tests/browser

book: $(STAMP)
	$(BIN)/jupyter-book build . --warningiserror --keep-going
	@echo
	@echo "The book is in _build/html. Open _build/html/index.html in a browser,"
	@echo "or serve it: $(BIN)/python -m http.server --directory _build/html 8000"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/actionlint .github/workflows/*.yml

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The numbers of the book (nbval over every notebook, and the claim tests) run under the
# portability matrix: this machine as found, then simulated AVX2, baseline x86-64 and AVX-512
# machines (tools/portability.py; a configuration numerically identical to one that ran is skipped).
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
# PATHS narrows the notebooks and claim tests, e.g. `make matrix PATHS="book/part3/sgd.ipynb"`.
PATHS ?= book tests/claims
NUMBERS := $(BIN)/python -m pytest -n 2 --dist loadfile -p no:cacheprovider $(PATHS) $(NBVAL)

# Every test: lint, the book built with warnings as errors, then the numbers under every
# configuration of the matrix; the unit tests and the built pages in headless Chromium
# (tests/browser; they skip without Chromium unless CI=true) run beside the first configuration's
# numbers, on the same two workers (--dist loadgroup: work units as tests/conftest.py sets them).
test: lint book $(AXE)
	$(BIN)/python tools/portability.py --first-also "tests --ignore=tests/launch" -- \
		$(BIN)/python -m pytest -n 2 --dist loadgroup -p no:cacheprovider book tests/claims $(NBVAL)
	$(MAKE) launch

# The ways a learner gets dlopt, each in a fresh venv: the built wheel, and Colab's install cell
# (tests/launch; about a minute).
launch: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile -p no:cacheprovider tests/launch

unit: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile tests --ignore=tests/browser --ignore=tests/claims --ignore=tests/launch

# The rendered book in headless Chromium; screenshots of key pages go to _build/screenshots/.
browser: book $(AXE)
	$(BIN)/python -m pytest -p no:cacheprovider tests/browser

# nbval and the claim tests on this machine as found (no matrix): the quick check while writing.
notebooks: $(STAMP)
	$(NUMBERS)

# The numbers under one configuration, e.g. `make matrix CONFIG=baseline`; without CONFIG, all.
matrix: $(STAMP)
	$(BIN)/python tools/portability.py $(if $(CONFIG),--only $(CONFIG)) -- $(NUMBERS)

# The only way stored outputs change: re-execute every notebook from a clean kernel, under the
# matrix's baseline configuration (OpenBLAS Prescott kernels, no dispatched numpy loop), which
# any x86-64 machine can simulate. Refresh some notebooks only with `make refresh NOTEBOOKS=...`.
# Widget state (the models of the explorers, 30-290 KB a notebook) is not stored: no page uses it.
refresh: $(STAMP)
	$(BIN)/python tools/portability.py --only baseline -- $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.timeout=120 \
		--ExecutePreprocessor.store_widget_state=False $(NOTEBOOKS)

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

# JupyterLab on the learner's working copy lab/book/ (git-ignored; tools/working_copy.py), never
# on the tracked notebooks; `make lab EDITION=student` opens lab/student/, without solutions.
EDITION ?= book
lab: $(STAMP)
	$(BIN)/python tools/working_copy.py --edition $(EDITION) --out lab/$(EDITION)
	$(BIN)/jupyter lab lab/$(EDITION)

clean:
	rm -rf _build .pytest_cache .ruff_cache

# The student edition in student/: every notebook of book/ with its solutions replaced by stubs
# that raise NotImplementedError (tools/student_edition.py; book/instructors.md explains it).
.PHONY: student
student: $(STAMP)
	rm -rf student
	$(BIN)/python tools/working_copy.py --edition student --out student

# The student book: the HTML book built from the student edition (no solution on any page, in
# any download), into _build/student-html; _build/html, the instructor book, is not touched.
# Its Binder and Colab buttons open book/... on the branch `student` of STUDENT_REPOSITORY
# (default: the book's own repository, `repository: url:` of _config.yml), which
# `make student-branch` commits; `make student-archive` zips the hand-out of `make student`.
# tools/student_book.py; README.md, "The student book", says how to publish them.
STUDENT_REPOSITORY ?=
STUDENT_SOURCE := _build/student-source
.PHONY: student-book student-branch student-archive
student-book: $(STAMP)
	$(BIN)/python tools/student_book.py source --out $(STUDENT_SOURCE) \
		$(if $(STUDENT_REPOSITORY),--repository $(STUDENT_REPOSITORY))
	$(BIN)/python tools/student_book.py build --source $(STUDENT_SOURCE) --html _build/student-html
	@echo "Serve it: $(BIN)/python -m http.server --directory _build/student-html 8000"

student-branch: $(STAMP)
	$(BIN)/python tools/student_book.py source --out $(STUDENT_SOURCE) \
		$(if $(STUDENT_REPOSITORY),--repository $(STUDENT_REPOSITORY))
	$(BIN)/python tools/student_book.py branch --source $(STUDENT_SOURCE)

student-archive: student
	$(BIN)/python tools/student_book.py archive --folder student --out _build/student-notebooks.zip
