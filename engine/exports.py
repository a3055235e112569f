"""Package faces whose names are imported when first asked for."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_names(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """Return a module ``__getattr__`` that imports each name from its module on first use.

    ``where`` maps each name to the module (relative to ``package``) that defines it.
    Importing one small module of a package then costs only that module, not
    everything its ``__init__`` names: a script worker imports the sandbox alone.
    """
    namespace = import_module(package).__dict__

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(where[name], package), name)
        namespace[name] = value
        return value

    return __getattr__
