"""The API reference appendix documents every public name of dlopt.

A public module is any module of the package whose dotted name has no part
starting with an underscore; its public names are its ``__all__`` or, without
one, the classes and functions defined in it whose names do not start with an
underscore. A name counts as documented when the built book's inventory
(objects.inv, what autodoc produced for book/api.md) holds the same object
under some name: ``dlopt.optim.SGD`` documents ``dlopt.optim.sgd.SGD`` too.
"""

import importlib
import inspect
import pkgutil
import re

import pytest
from sphinx.util.inventory import InventoryFile

import dlopt

PUBLIC_MODULES = [
    "dlopt",
    *sorted(
        info.name
        for info in pkgutil.walk_packages(dlopt.__path__, "dlopt.")
        if not any(part.startswith("_") for part in info.name.split("."))
    ),
]


def public_names(module):
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return [
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(obj) or inspect.isfunction(obj))
        and obj.__module__ == module.__name__
    ]


def resolve(dotted):
    """The object a documented dotted name refers to, as attribute lookup finds it, or None.

    Attributes come first: in ``dlopt.meta`` a function may shadow the submodule of its name.
    """
    parts = dotted.split(".")
    obj = importlib.import_module(parts[0])
    for i, part in enumerate(parts[1:], start=2):
        if hasattr(obj, part):
            obj = getattr(obj, part)
            continue
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            return None
    return obj


@pytest.fixture(scope="module")
def documented(html_dir):
    with open(html_dir / "objects.inv", "rb") as stream:
        inventory = InventoryFile.load(stream, "", lambda base, uri: uri)
    names = {
        name for role, entries in inventory.items() if role.startswith("py:") for name in entries
    }
    return names, {id(resolve(name)) for name in names}


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_public_name_is_in_the_api_reference(module_name, documented):
    names, objects = documented
    module = importlib.import_module(module_name)
    missing = [
        name
        for name in public_names(module)
        if not inspect.ismodule(getattr(module, name))
        and f"{module_name}.{name}" not in names
        and id(getattr(module, name)) not in objects
    ]
    assert not missing, (
        f"{module_name}: {missing} are public but not in book/api.md; add a section with "
        f"'.. automodule:: {module_name}' (or export them from a documented package's __all__);"
        " a module constant needs a '#:' comment above it for autodoc to document it"
    )


def test_no_class_or_function_is_described_twice(html_dir):
    # one description per object: a name re-exported by a package is excluded at its home or there
    page = (html_dir / "book" / "api.html").read_text()
    homes = {}
    for name in sorted(set(re.findall(r'<dt class="sig[^"]*" id="(dlopt\.[\w.]+)"', page))):
        obj = resolve(name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            homes.setdefault(id(obj), []).append(name)
    twice = sorted(found for found in homes.values() if len(found) > 1)
    assert not twice, f"described under two names (add one to :exclude-members:): {twice}"
