"""The student edition (tools/student_edition.py): stubs, no leaks, and notebooks that run.

The leak test finds the solutions in the book's notebooks with its own reading of the
markers (not the tool's), so that a bug in the tool cannot hide its own leak. Executing
every student notebook costs about as much as nbval over the book; each notebook is a work
unit of its own, so that under `make test` both xdist workers share them.
"""

import importlib.util
import json
import pathlib
import re

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from dlopt import check

ROOT = pathlib.Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "student_edition", ROOT / "tools" / "student_edition.py"
)
tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tool)

NOTEBOOKS = tool.notebooks(ROOT / "book")
IDS = [str(p.relative_to(ROOT / "book")) for p in NOTEBOOKS]
MIN_CHARS = 10  # shorter lines ("```", "plt.show()") say nothing about a solution


@pytest.fixture(scope="session")
def student(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    tool.build(ROOT / "book", out)
    return out


def md(text, **extra):
    return nbformat.v4.new_markdown_cell(text, **extra)


def code(text, tags=(), outputs=(), **metadata):
    cell = nbformat.v4.new_code_cell(text, metadata={"tags": list(tags), **metadata})
    cell.outputs = [nbformat.v4.new_output("stream", text=t) for t in outputs]
    cell.execution_count = 1 if outputs else None
    return cell


def convert(cells, **metadata):
    nb = nbformat.v4.new_notebook(cells=cells, metadata=metadata)
    return tool.student_notebook(nb, "test.ipynb")


def texts(nb):
    return [c.source for c in nb.cells]


EXERCISE = "```{exercise} Add two numbers\n:label: ex-add\nCompute 1 + 1.\n```"
START, END = "```{solution-start} ex-add\n:class: dropdown\n```", "```{solution-end}\n```"


def test_a_gated_solution_becomes_an_answer_cell_and_one_stub():
    nb = convert(
        [
            md(EXERCISE),
            md(START + "\nThe sum is two, by counting."),
            code("total = 1 + 1", ["solution"], ["2\n"]),
            code("print(total * 10)", ["solution"], ["20\n"]),
            md(END),
        ]
    )
    assert [c.cell_type for c in nb.cells] == ["markdown", "markdown", "code"]
    assert nb.cells[0].source == EXERCISE
    assert nb.cells[1].metadata["tags"] == ["answer"] and "ex-add" in nb.cells[1].source
    stub = nb.cells[2]
    assert stub.metadata["tags"] == ["exercise-stub"]  # no raises-exception: see below
    assert stub.outputs == [] and stub.execution_count is None
    assert "NotImplementedError" in stub.source and "ex-add (Add two numbers)" in stub.source
    assert not any("counting" in t or "total" in t for t in texts(nb))


def test_markers_inside_larger_cells_keep_the_text_around_them():
    before, after = "Some prose before.", "```{exercise} Next\n:label: ex-next\nMore.\n```"
    nb = convert(
        [
            md(f"{before}\n\n{EXERCISE}\n\n{START}\nSecret reasoning here."),
            code("secret = 2", ["solution"]),
            md(f"More secret prose.\n{END}\n\n{after}"),
        ]
    )
    assert nb.cells[0].source == f"{before}\n\n{EXERCISE}"
    assert nb.cells[-1].source == after
    assert not any("ecret" in t for t in texts(nb))
    assert len({c.id for c in nb.cells}) == len(nb.cells)


def test_a_hint_in_the_metadata_goes_into_the_stub():
    cell = code("x = 1", ["solution"], hint="start from v = 0")
    nb = convert([md(EXERCISE), md(START), cell, md(END)])
    assert "raise NotImplementedError('start from v = 0')" in nb.cells[-1].source


def test_a_plain_solution_directive_and_a_tagged_cell_outside_markers_are_removed():
    plain = "```{solution} ex-add\n:class: dropdown\nTwo, of course.\n```"
    nb = convert([md(f"{EXERCISE}\n{plain}\nAfter."), code("y = 2", ["solution"])])
    assert nb.cells[0].source == EXERCISE
    assert nb.cells[2].source == "After."
    assert "exercise-stub" in nb.cells[3].metadata["tags"]
    assert not any("of course" in t or "y = 2" in t for t in texts(nb))


@pytest.mark.parametrize(
    "cells",
    [[md(START), code("x = 1", ["solution"])], [md(END)], [md("```{solution-end}\n")]],
    ids=["no end", "end without start", "unclosed end"],
)
def test_broken_markers_are_errors_not_leaks(cells):
    with pytest.raises(ValueError, match=r"test\.ipynb"):
        convert([md(EXERCISE), *cells])


def test_outputs_after_the_first_solution_are_dropped_and_earlier_ones_kept():
    nb = convert(
        [
            code("print('before')", outputs=["before\n"]),
            md(EXERCISE),
            md(START),
            code("z = 3", ["solution"], ["3\n"]),
            md(END),
            code("print('after')", outputs=["after\n"]),
        ]
    )
    assert nb.cells[0].outputs[0]["text"] == "before\n"
    assert nb.cells[-1].outputs == [] and nb.cells[-1].execution_count is None


def test_attachments_go_with_the_text_that_uses_them_and_widget_state_is_dropped():
    png = {"image/png": "aGVsbG8="}
    cell = md(f"![kept](attachment:a.png)\n{START}\n![secret](attachment:b.png)\n{END}")
    cell.attachments = {"a.png": png, "b.png": {"image/png": "c2VjcmV0"}}
    nb = convert([md(EXERCISE), cell], widgets={"state": {"x": 1}})
    assert nb.cells[1].attachments == {"a.png": png}
    assert "widgets" not in nb.metadata
    assert "c2VjcmV0" not in json.dumps(nb)


def solutions(path):
    """The solution lines (sources, outputs, attachments) of a book notebook, and its other lines.

    Read independently of the tool: a line-level walk from ``{solution-start}`` to the end
    of the ``{solution-end}`` directive, plus every code cell tagged ``solution``.
    """
    nb = json.loads(path.read_text())
    secret, public, inside = set(), set(), False
    for cell in nb["cells"]:
        is_solution_code = "solution" in cell["metadata"].get("tags", [])
        for line in "".join(cell["source"]).splitlines():
            inside = inside or "{solution-start}" in line
            (secret if inside or is_solution_code else public).add(line.strip())
            inside = inside and "{solution-end}" not in line
        hidden = inside or is_solution_code
        blobs = [*cell.get("attachments", {}).values(), *cell.get("outputs", [])]
        (secret if hidden else public).update(lines(blobs))
    return {s for s in secret - public if len(s) >= MIN_CHARS}, public


def lines(value):
    """Every stripped line of every string in a JSON document, keys included."""
    if isinstance(value, dict):
        return {s for k, v in value.items() for s in {k.strip()} | lines(v)}
    if isinstance(value, list):
        return {s for v in value for s in lines(v)}
    return {s.strip() for s in str(value).splitlines()}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_line_of_any_solution_is_left_in_the_student_edition(student, path):
    secrets, public = solutions(path)
    if "{solution" in path.read_text():
        assert secrets, f"{path.name}: the leak test found no solution to look for"
    edition = json.loads((student / path.relative_to(ROOT / "book")).read_text())
    assert not leaked(secrets, public, edition), f"{path.name}: solutions in the student edition"


def leaked(secrets, public, edition):
    """The secrets found in a line of ``edition`` that is not a line of the book's own text."""
    new = lines(edition) - public
    return sorted(s for s in secrets if any(s in line for line in new))


def test_the_leak_test_finds_a_planted_leak(student):
    path = ROOT / "book" / IDS[0]
    secrets, public = solutions(path)
    edition = json.loads((student / IDS[0]).read_text())
    planted = sorted(secrets)[0]
    edition["cells"][-1]["metadata"]["note"] = f"see: {planted}"
    assert leaked(secrets, public, edition) == [planted]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_exercise_is_kept_and_every_solution_stubbed(student, path):
    original = path.read_text()
    nb = nbformat.read(student / path.relative_to(ROOT / "book"), as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    labels = [
        line.split(":label:")[1].strip() for line in original.split("\\n") if ":label: ex" in line
    ]
    for label in labels:
        assert f":label: {label}" in text, f"{path.name}: exercise {label} lost"
    assert "{solution" not in text, f"{path.name}: a solution directive is left"
    tags = [t for c in nb.cells for t in c.metadata.get("tags", [])]
    assert "solution" not in tags
    if '"solution"' in original:
        assert "exercise-stub" in tags, f"{path.name}: solution code but no stub"


@pytest.mark.parametrize(
    "path",
    # each notebook a work unit of its own, so `make test` spreads them over both workers
    [
        pytest.param(path, marks=pytest.mark.xdist_group(f"student:{name}"))
        for path, name in zip(NOTEBOOKS, IDS, strict=True)
    ],
    ids=IDS,
)
def test_the_student_notebook_runs_top_to_bottom_except_its_stubs(student, path):
    target = student / path.relative_to(ROOT / "book")
    nb = nbformat.read(target, as_version=4)
    # nbclient goes on past a NotImplementedError (the stubs') and stops at any other error
    NotebookClient(
        nb, timeout=120, kernel_name="python3", allow_error_names=["NotImplementedError"],
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()  # fmt: skip
    for cell in nb.cells:
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        if "exercise-stub" in cell.metadata.get("tags", []):
            assert [e.ename for e in errors] == ["NotImplementedError"], cell.source
        else:
            assert not errors, f"{path.name}: {cell.source[:80]!r} failed"


def test_a_handed_in_notebook_runs_only_when_every_stub_is_answered(tmp_path):
    # what `jupyter nbconvert --execute` does with a hand-in: an unanswered stub fails the run,
    # and so does an answer that fails its check; a notebook whose stubs are answered runs
    def run(stub_source):
        nb = convert([md(EXERCISE), md(START), code("total = 1 + 1", ["solution"]), md(END)])
        [stub] = [c for c in nb.cells if "exercise-stub" in c.metadata.get("tags", [])]
        if stub_source is not None:
            stub.source = stub_source
        NotebookClient(nb, timeout=60, kernel_name="python3").execute()

    with pytest.raises(CellExecutionError, match="NotImplementedError"):
        run(None)
    with pytest.raises(CellExecutionError, match="CheckFailed"):
        run("from dlopt.check import CheckFailed\nraise CheckFailed('step 2 differs')")
    run("total = 1 + 1")


def exercise_labels(path):
    """The labels of the exercises of a book notebook, read from its markdown cells."""
    nb = json.loads(path.read_text())
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return re.findall(r"\{exercise(?:-start)?\}[^\n]*\n(?::[a-z]+:[^\n]*\n)*?:label: (\S+)", text)


def test_the_instructor_page_has_one_row_for_every_exercise_and_no_other():
    page = (ROOT / "book" / "instructors.md").read_text()
    rows = re.findall(r"^\| `(ex-[^`]+)` \| (\S+) \| .* \| (.+) \|$", page, re.MULTILINE)
    in_table = {label: (chapter, checked) for label, chapter, checked in rows}
    assert len(in_table) == len(rows), "an exercise has two rows"
    in_book = {
        label: str(path.relative_to(ROOT / "book").with_suffix(""))
        for path in NOTEBOOKS
        for label in exercise_labels(path)
    }
    assert in_book, "no exercise found in the book"
    missing = sorted(set(in_book) - set(in_table))
    assert not missing, f"book/instructors.md has no row for {missing}"
    stale = sorted(set(in_table) - set(in_book))
    assert not stale, f"book/instructors.md lists exercises that no notebook has: {stale}"
    for label, (chapter, checked) in in_table.items():
        assert chapter == in_book[label], f"{label} is in {in_book[label]}, not {chapter}"
        for name in re.findall(r"`dlopt\.check\.(\w+)`", checked):
            assert callable(getattr(check, name, None)), f"{label}: no dlopt.check.{name}"
            solution = solution_text(ROOT / "book" / f"{chapter}.ipynb", label)
            assert f"check.{name}(" in solution, f"{label}: its solution never calls {name}"


def solution_text(path, label) -> str:
    """Everything between the solution markers of exercise ``label`` (prose and code)."""
    cells = json.loads(path.read_text())["cells"]
    text = "\n".join("".join(c["source"]) for c in cells)
    start = text.index(f"{{solution-start}} {label}")
    return text[start : text.index("{solution-end}", start)]


def test_a_stub_names_the_check_the_instructor_table_gives():
    cell = code("x = 1", ["solution"])
    nb = tool.student_notebook(
        nbformat.v4.new_notebook(cells=[md(EXERCISE), md(START), cell, md(END)]),
        "test.ipynb",
        {"ex-add": "dlopt.check.sgd_step"},
    )
    assert "; help(dlopt.check.sgd_step) shows how to test your code" in nb.cells[-1].source
    assert tool.checks_of(ROOT / "book" / "instructors.md")["ex-momentum-1"] == (
        "dlopt.check.momentum_run"
    )
    # one part of the book alone still finds the book's instructor page
    assert tool.checks_for(ROOT / "book" / "part3")["ex-momentum-1"] == "dlopt.check.momentum_run"
