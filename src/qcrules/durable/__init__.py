"""The durable_rules (Rete) engine behind an adapter, and live monitoring.

Holds the host that isolates durable_rules' global state and sessions (``host``), the engine
that runs a compiled plan on it (``engine``), and the ``Monitor`` that keeps verdicts current
as facts arrive (``monitor``, with either engine). durable_rules is imported only when the
durable engine is asked for.

May import: :mod:`qcrules.base`, :mod:`qcrules.catalog`, :mod:`qcrules.facts`,
:mod:`qcrules.engine`.
"""
