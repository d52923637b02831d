"""The name a misspelling most likely meant, for "did you mean ...?" hints in error messages."""

from __future__ import annotations

from collections.abc import Sequence


def closest(name: str, known: Sequence[str]) -> str | None:
    """The same letters in another case first, else the nearest by `difflib`'s ratio (>= 0.6)."""
    same = [option for option in known if option.lower() == name.lower()]
    if same:
        return same[0]
    import difflib  # imported when used: only a misspelled name needs it

    found = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return found[0] if found else None
