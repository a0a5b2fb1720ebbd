"""Import medspaCy without loading nltk.

Any ``import medspacy.context`` runs ``medspacy/__init__.py``, which imports every medspaCy
component, QuickUMLS among them, and QuickUMLS imports nltk at the top of its module
(nltk then loads scipy.stats and scikit-learn: 1.2 s warm, nearly 4 s cold here). QuickUMLS
uses nltk only when a QuickUMLS component is made (its stopword list); this pipeline uses
only medspaCy's ConText and Sectionizer.

``prepare()`` puts nltk in ``sys.modules`` as its package module whose code has not run
yet. nltk's own ``__init__`` runs, in place, the first time anything asks the package for
a name (``nltk.corpus``, ``nltk.word_tokenize``) or imports one of its submodules, so code
that uses nltk gets the whole package as usual. Nothing changes when nltk is already
imported or not installed; if anything here fails, the normal import runs.
``tests/test_startup.py`` checks both sides.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys

PACKAGE = "nltk"


def prepare() -> None:
    """Let medspaCy import without running nltk's ``__init__`` until nltk is used.
    Safe to call many times."""
    if PACKAGE in sys.modules:
        return
    try:
        spec = importlib.util.find_spec(PACKAGE)
        if spec is None or spec.loader is None or not spec.submodule_search_locations:
            return
        module = importlib.util.module_from_spec(spec)  # its code has not run
    except Exception:  # a broken install: leave it to the normal import
        return
    first_use = _FirstUse(module, spec)
    module.__getattr__ = first_use.attribute
    sys.modules[PACKAGE] = module
    sys.meta_path.insert(0, first_use)


class _FirstUse(importlib.abc.MetaPathFinder):
    """Runs the package's ``__init__`` on first use: a name asked of the package
    (``__getattr__``) or an import of one of its submodules (a meta path finder that
    finds nothing itself)."""

    def __init__(self, module, spec):
        self.module = module
        self.spec = spec

    def complete(self) -> None:
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        if "__getattr__" in self.module.__dict__:
            del self.module.__getattr__
            try:
                self.spec.loader.exec_module(self.module)
            except BaseException:
                sys.modules.pop(PACKAGE, None)  # as a failed normal import leaves it
                raise

    def attribute(self, name: str):
        if name.startswith("__") and name not in ("__all__", "__version__"):
            raise AttributeError(name)  # a probe (hasattr(module, "__warningregistry__"), ...)
        self.complete()
        return getattr(self.module, name)

    def find_spec(self, fullname, path=None, target=None):
        if fullname.startswith(PACKAGE + "."):
            self.complete()
        return None
