"""The durable_rules (Rete) engine behind an adapter, and live monitoring.

Holds the host that isolates durable_rules' global state and sessions (``host``), the engine
that runs a compiled plan on it (``engine``), and the ``Monitor`` that keeps verdicts current
as facts arrive (``monitor``, with either engine). durable_rules is imported only when the
durable engine is asked for.

May import: :mod:`qcrules.base`, :mod:`qcrules.catalog`, :mod:`qcrules.facts`,
:mod:`qcrules.engine`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..base.errors import Diagnostic, UsageError

if TYPE_CHECKING:
    from ..engine.compile import Plan
    from .engine import DurableEngine

__all__ = ["durable_engine_for"]

#: The Pythons durable_rules builds and imports on (its C extension calls ``PyEval_CallObject``,
#: which Python 3.13 removed); the dependency carries the same environment marker.
SUPPORTED_PYTHONS = "3.11 and 3.12"


def durable_engine_for(plan: Plan) -> DurableEngine:
    """The durable engine of ``plan``, durable_rules imported on first use.

    Raises:
        UsageError: (QC408) durable_rules is not installed or cannot be imported here.
    """
    try:
        from .engine import engine_for
    except ImportError as error:
        raise UsageError(Diagnostic(
            "QC408", "the durable engine is not available", field="engine",
            expected=f"durable_rules installed and importable (it supports Python "
                     f"{SUPPORTED_PYTHONS})",
            got=f"{type(error).__name__}: {error}"[:200],
            hint="use --engine native (engine='native'), which gives identical reports")) from None
    return engine_for(plan)
