"""The portability matrix, and the guards that keep it from weakening nbval.

tools/portability.py simulates other CPUs; these tests check that its configurations are the
ones it promises (names from numpy itself), that a stored digit still matters under nbval and
its sanitizer, and that only outputs without printed numbers escape comparison.
"""

import ast
import configparser
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import portability  # noqa: E402
from test_notebooks import NOTEBOOKS, code_cells, load  # noqa: E402

X86 = all(not c.unavailable for c in portability.configurations() if c.name == "baseline")


def by_name():
    return {c.name: c for c in portability.configurations()}


def test_the_matrix_has_the_promised_configurations_in_order():
    assert [c.name for c in portability.configurations()] == list(portability.ORDER)
    assert by_name()["as-found"].overrides == {}


def test_numpy_targets_come_from_numpy_and_split_at_avx512():
    from numpy._core import _multiarray_umath as m

    present, avx512 = portability.numpy_targets()
    assert set(present) <= set(m.__cpu_dispatch__)
    assert all(m.__cpu_features__[t] for t in present)
    assert set(avx512) <= set(present)
    assert not {"X86_V3", "AVX2", "FMA3"} & set(avx512)  # AVX2 loops stay in the AVX2 laptop
    if m.__cpu_features__.get("AVX512F"):
        assert avx512, "an AVX-512 CPU whose AVX-512 loops the avx2 configuration keeps"


@pytest.mark.skipif(not X86, reason="the simulated configurations are x86-64 CPUs")
def test_each_configuration_really_changes_what_numpy_and_openblas_use():
    configs = by_name()
    avx2 = portability.effective(configs["avx2"])
    baseline = portability.effective(configs["baseline"])
    assert avx2.startswith("OpenBLAS Haswell;")
    assert "512" not in avx2
    assert baseline.endswith("numpy loops none")
    assert "Haswell" not in baseline and "SkylakeX" not in baseline


@pytest.mark.skipif(not X86, reason="the simulated configurations are x86-64 CPUs")
def test_overrides_replace_what_the_environment_sets(monkeypatch):
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Zen")
    monkeypatch.setenv("NPY_DISABLE_CPU_FEATURES", "X86_V4")
    env = by_name()["skylakex"].environment()
    assert env["OPENBLAS_CORETYPE"] == "SkylakeX"
    assert "NPY_DISABLE_CPU_FEATURES" not in env
    assert by_name()["as-found"].environment()["OPENBLAS_CORETYPE"] == "Zen"


def test_a_failure_under_one_configuration_fails_the_matrix(capsys):
    fails = [
        sys.executable,
        "-c",
        "import os, sys; sys.exit(os.environ.get('OPENBLAS_CORETYPE') == 'Prescott')",
    ]
    code = portability.main(["--only", "as-found", "baseline", "--", *fails])
    printed = capsys.readouterr().out
    assert "portability matrix summary" in printed
    assert code == (1 if X86 else 0)


def test_first_also_adds_arguments_under_the_first_configuration_only(tmp_path, capsys):
    # each run appends its arguments (after the script name) and its OPENBLAS_CORETYPE to a log
    log = tmp_path / "runs.txt"
    script = (
        "import os, sys; open(sys.argv[1], 'a').write("
        "repr((sys.argv[2:], os.environ.get('OPENBLAS_CORETYPE'))) + '\\n')"
    )
    code = portability.main(
        ["--only", "as-found", "baseline", "--first-also", "tests --ignore=tests/launch",
         "--", sys.executable, "-c", script, str(log)]
    )  # fmt: skip
    runs = [ast.literal_eval(line) for line in log.read_text().splitlines()]
    assert code == 0
    assert runs[0][0] == ["tests", "--ignore=tests/launch"]
    assert [r[0] for r in runs[1:]] == ([[]] if X86 else [])
    assert [r[1] for r in runs[1:]] == (["Prescott"] if X86 else [])


def test_nothing_simulated_is_an_error_not_a_pass(capsys):
    never = portability.Configuration("nowhere", "a machine we lack", {}, "not here")
    assert portability.run([sys.executable, "-c", "pass"], [never]) == 2
    assert "nothing ran" in capsys.readouterr().out


# --- nbval must still compare every printed digit -----------------------------------------


def sanitizers():
    parser = configparser.ConfigParser()
    parser.read(ROOT / "tests" / "nbval_sanitize.cfg")
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


def sanitize(text, rules):
    for regex, replacement in rules:
        text = regex.sub(replacement, text)
    return text


def compared_texts(cell):
    """The texts nbval compares for a cell: streams and every text-like data entry."""
    for output in cell["outputs"]:
        if output["output_type"] == "stream":
            yield "".join(output["text"])
        for mime, value in output.get("data", {}).items():
            if mime.endswith("text/plain") or mime.endswith("text/markdown"):
                yield "".join(value)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_sanitizer_never_erases_a_printed_digit(path):
    """Changing any digit of a compared output changes what nbval compares.

    Digits inside what the sanitizer replaces on purpose (memory addresses, figure and widget
    reprs, kernel temp paths) are the only exceptions, and none of them is a result.
    """
    rules = sanitizers()
    for cell in code_cells(load(path)):
        tags = cell.get("metadata", {}).get("tags", [])
        if "nbval-ignore-output" in tags:
            continue
        for text in compared_texts(cell):
            replaced = sanitize(text, rules)
            erased = sanitize(re.sub(r"\d", "7", text), rules) == sanitize(
                re.sub(r"\d", "3", text), rules
            )
            if re.search(r"\d", replaced):
                assert not erased, f"{path.name}: the sanitizer erases every digit of {text!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_widgets_and_animations_escape_comparison(path):
    """A cell tagged nbval-ignore-output is a live widget or a static slider figure (HTML).

    Such a cell prints no text: a number printed there would escape the regression test.
    """
    for cell in code_cells(load(path)):
        tags = cell.get("metadata", {}).get("tags", [])
        if "nbval-ignore-output" not in tags or "live-widget" in tags:
            continue
        for output in cell["outputs"]:
            assert output["output_type"] != "stream", f"{path.name}: printed text not compared"
            assert set(output.get("data", {})) <= {"text/html", "text/plain"}, path.name


def executed_notebook(path):
    """A small notebook, executed: one printed number, one number glued for the prose."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [
        nbformat.v4.new_code_cell('import math\nprint(f"sqrt(2) = {math.sqrt(2):.4f}")'),
        nbformat.v4.new_code_cell(
            'from dlopt.book import glue\nglue("root", f"{math.sqrt(3):.4f}")'
        ),
    ]
    NotebookClient(notebook, kernel_name="python3").execute()
    nbformat.write(notebook, path)
    return json.loads(path.read_text())


def nbval(path):
    """nbval on ``path`` with the Makefile's options; returns pytest's output."""
    shutil.copy(ROOT / "tests" / "nbval_sanitize.cfg", path.parent)
    env = dict(os.environ, MPLBACKEND="module://matplotlib_inline.backend_inline")
    options = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "nbval_sanitize.cfg"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-q",
         *options, "--rootdir", str(path.parent), str(path)],
        cwd=path.parent,
        env=env,
        capture_output=True,
        text=True,
    )  # fmt: skip
    return result.stdout


def test_one_changed_stored_digit_fails_nbval(tmp_path):
    """End to end: a stored printed digit or glued digit that is off by one fails its cell."""
    path = tmp_path / "numbers.ipynb"
    notebook = executed_notebook(path)
    assert "2 passed" in nbval(path)
    printed = notebook["cells"][0]["outputs"][0]
    printed["text"] = "".join(printed["text"]).replace("1.4142", "1.4143")
    glued = notebook["cells"][1]["outputs"][0]["data"]
    key = "application/papermill.record/text/plain"
    assert glued[key] == "'1.7321'"
    glued[key] = "'1.7320'"
    path.write_text(json.dumps(notebook))
    assert "2 failed" in nbval(path)
