"""The documentation site builds with MkDocs (Material theme) in strict mode: a broken link or
anchor, a missing page or a page left out of the navigation fails the build. Nothing is
fetched while building, so this runs offline."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_site_builds_strictly(tmp_path: Path) -> None:
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stderr
    assert (site / "index.html").is_file()
    page = (site / "reference" / "cli" / "index.html").read_text(encoding="utf-8")
    assert 'id="exit-codes-and---fail-on"' in page   # anchors as GitHub makes them


def test_every_page_is_in_the_navigation() -> None:
    """mkdocs.yml's nav lists every page of docs/ (strict mode also warns on one left out)."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = sorted(str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md"))
    assert [page for page in pages if page not in config] == []
