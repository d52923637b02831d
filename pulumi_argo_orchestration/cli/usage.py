"""The one exception a command raises for a command line that parsed but makes no sense."""

from __future__ import annotations


class UsageError(Exception):
    """A command line that parsed but makes no sense: exit 2 with the command's usage."""
