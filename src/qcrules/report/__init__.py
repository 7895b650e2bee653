"""Explaining and rendering results: words in zh and en, and every output format.

Holds explanations (``explain``), the text, JSON, Markdown and CSV renderers (``render``), the
table cells and summary line they share with the HTML report (``cells``), the HTML report and
its templates (``html``, ``templates/``), JUnit XML (``junit``), the progress views
(``progress``), the summary and long result of many regions and periods (``regions``) and
the report's JSON Schema (``schema``).

May import: :mod:`qcrules.base`, :mod:`qcrules.catalog`, :mod:`qcrules.facts`,
:mod:`qcrules.engine`, :mod:`qcrules.progress`, :mod:`qcrules.frames`.
"""
