"""The JSON Schemas shipped with qcrules, for editors and for systems that read its JSON.

``catalog.schema.json`` describes the catalogue format (``qcrules: 1``) for YAML language
servers; ``report.schema.json`` describes the JSON report (``qcrules-report/1``). Both are
JSON Schema draft 2020-12. They check shape only: ``qcrules validate`` checks meaning too.
"""

from __future__ import annotations

import importlib.resources
import json
from typing import Any

__all__ = ["catalog_schema"]


def _load(name: str) -> dict[str, Any]:
    text = (importlib.resources.files("qcrules") / "schema" / name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def catalog_schema() -> dict[str, Any]:
    """The JSON Schema of the catalogue format, as a fresh dict."""
    return _load("catalog.schema.json")


