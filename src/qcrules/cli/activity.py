"""A sign of life on standard error while a command works: rich's spinner with the time spent,
shown only when standard error is a terminal and ``--quiet`` is not given, and cleared when the
work is done, so that nothing of it is left in the output or in a pipe."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

__all__ = ["working"]


def _stderr_is_terminal() -> bool:
    isatty = getattr(sys.stderr, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:   # closed
        return False


@contextlib.contextmanager
def working(what: str, *, quiet: bool = False) -> Iterator[None]:
    """Show ``what`` with a spinner and the elapsed time on standard error while the block runs
    (rich's :class:`~rich.progress.Progress`, transient), when standard error is a terminal and
    not ``quiet``; otherwise nothing."""
    if quiet or not _stderr_is_terminal():
        yield
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(file=sys.stderr, force_terminal=True)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        bar.add_task(what, total=None)
        yield
