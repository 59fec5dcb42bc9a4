"""The layers of dlopt/README.md: every import inside dlopt goes to a lower layer.

The README's table is the rule; this test reads it, parses every module of the package with
``ast`` and names each import that goes sideways or up.
"""

import ast
import pathlib
import re
import shutil

ROOT = pathlib.Path(__file__).resolve().parents[1] / "dlopt"
ROW = re.compile(r"^\| (\d+) \| (.+?) \|", re.MULTILINE)


def layers(root: pathlib.Path) -> dict[str, int]:
    """Top-level module or subpackage name -> its layer, from the README's table."""
    rows = ROW.findall((root / "README.md").read_text())
    return {name: int(n) for n, modules in rows for name in re.findall(r"`(\w+)`", modules)}


def unit(root: pathlib.Path, path: pathlib.Path) -> str:
    """The top-level unit a file belongs to: ``optim`` for optim/adam.py, ``train`` for train.py."""
    return path.relative_to(root).with_suffix("").parts[0]


def imported_units(root: pathlib.Path, path: pathlib.Path) -> set[str]:
    """The top-level units of dlopt that the module at ``path`` imports."""
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    parts = [name.split(".") for name in names]
    return {
        p[1]
        for p in parts
        if p[0] == "dlopt"
        and len(p) > 1
        and ((root / f"{p[1]}.py").exists() or (root / p[1] / "__init__.py").exists())
    }


def violations(root: pathlib.Path) -> list[str]:
    table = layers(root)
    return [
        f"{path.relative_to(root)} (layer {table[unit(root, path)]}) imports {target} "
        f"(layer {table[target]})"
        for path in sorted(root.rglob("*.py"))
        for target in sorted(imported_units(root, path) - {unit(root, path)})
        if table[target] >= table[unit(root, path)]
    ]


def test_every_module_has_a_layer():
    table = layers(ROOT)
    units = {unit(ROOT, path) for path in ROOT.rglob("*.py")}
    assert units - set(table) == set(), "modules the README's table does not place"
    assert set(table) - units == set(), "names in the README's table that are not modules"


def test_imports_go_down_the_layers():
    assert violations(ROOT) == []


def test_an_import_up_the_layers_is_named(tmp_path):
    fake = tmp_path / "dlopt"
    shutil.copytree(ROOT, fake, ignore=shutil.ignore_patterns("__pycache__", "datasets"))
    (fake / "nn" / "layers.py").write_text("from dlopt.train import minimize\n")  # 2 imports 4
    assert violations(fake) == ["nn/layers.py (layer 2) imports train (layer 4)"]
