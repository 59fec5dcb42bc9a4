"""Guards that make nbval meaningful: every notebook carries outputs from one clean run."""

import json
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(
    p
    for p in (ROOT / "book").rglob("*.ipynb")
    if not {"_build", ".ipynb_checkpoints"} & set(p.parts)
)


def load(path):
    return json.loads(path.read_text())


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def test_there_are_notebooks():
    assert NOTEBOOKS, "book/ holds no notebook: nbval would test nothing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_code_cell_has_been_executed_in_order(path):
    counts = [c["execution_count"] for c in code_cells(load(path))]
    assert None not in counts, f"{path.name}: cells without stored outputs; run `make refresh`"
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..n; outputs come from a live "
        "session, not a clean run (`make refresh`)"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_has_outputs_to_compare(path):
    outputs = [o for c in code_cells(load(path)) for o in c["outputs"]]
    assert outputs, f"{path.name} stores no output at all: nbval would compare nothing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_kernel_is_python3(path):
    assert load(path)["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_errors_stored(path):
    for cell in code_cells(load(path)):
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"{path.name}: a stored traceback"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_is_in_the_table_of_contents(path):
    toc = (ROOT / "_toc.yml").read_text()
    entry = str(path.relative_to(ROOT).with_suffix(""))
    assert f"file: {entry}" in toc, f"{entry} is not listed in _toc.yml"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_widget_state_stored(path):
    # no page renders a widget; make refresh executes with store_widget_state=False
    assert "widgets" not in load(path)["metadata"], f"{path.name} stores widget state"
