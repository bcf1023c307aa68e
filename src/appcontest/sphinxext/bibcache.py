"""Keep formatted bibliography entries between builds.

sphinxcontrib-bibtex formats every cited entry again on every build, even when only one
page changed: for the book's ~400 entries that is most of the time a one-line prose edit
takes to rebuild. The result depends only on the entry, its label and the style's code,
so this module memoises pybtex's ``format_entry`` on exactly those, in a pickle beside
the doctrees. Change an entry, or the style, and that entry is formatted afresh.
"""

from __future__ import annotations

import hashlib
import inspect
import pickle
from functools import cache
from pathlib import Path

from pybtex.style.formatting import BaseStyle

CACHE_NAME = "appcontest-bibcache.pickle"
_original = BaseStyle.format_entry
_store: dict = {}
_used: set = set()


@cache
def _style_digest(style_class: type) -> str:
    """A digest of the style's code (every class in its MRO that pybtex did not ship)."""
    digest = hashlib.sha256()
    for klass in style_class.__mro__:
        try:
            digest.update(inspect.getsource(klass).encode())
        except (OSError, TypeError):
            digest.update(klass.__qualname__.encode())
    return digest.hexdigest()[:16]


def _entry_key(style, label, entry) -> str:
    persons = {role: [str(p) for p in people] for role, people in entry.persons.items()}
    text = repr(
        (
            type(style).__qualname__,
            _style_digest(type(style)),
            label,
            entry.key,
            entry.type,
            sorted(entry.fields.items()),
            sorted(persons.items()),
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _format_entry(self, label, entry, bib_data=None):
    key = _entry_key(self, label, entry)
    _used.add(key)
    if key not in _store:
        _store[key] = _original(self, label, entry, bib_data=bib_data)
    return _store[key]


def _path(app) -> Path:
    return Path(app.doctreedir) / CACHE_NAME


def _load(app):
    try:
        _store.update(pickle.loads(_path(app).read_bytes()))
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        _store.clear()  # no cache, or one from another version: format afresh


def _save(app, exception):
    if exception is None:
        # Only what this build formatted: entries since edited or removed drop out.
        kept = {k: v for k, v in _store.items() if k in _used}
        _path(app).parent.mkdir(parents=True, exist_ok=True)
        _path(app).write_bytes(pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))


def setup(app):
    BaseStyle.format_entry = _format_entry
    app.connect("builder-inited", _load)
    app.connect("build-finished", _save)
