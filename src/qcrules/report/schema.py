"""The JSON Schema of the JSON report (``qcrules-report/1``), shipped in ``qcrules/schema/``."""

from __future__ import annotations

import importlib.resources
import json
from typing import Any

__all__ = ["report_schema"]


def report_schema() -> dict[str, Any]:
    """The JSON Schema of the JSON report ``qcrules-report/1``, as a fresh dict."""
    text = (importlib.resources.files("qcrules") / "schema" / "report.schema.json").read_text(
        encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
