"""Progress toward a deadline: trajectories from a baseline, and series of periods.

Holds the trajectory judgement (``trajectory``: the path from a baseline to the target) and
the evaluation of several periods as a series (``series``: ``Progress``). The trajectory's
value classes live with the other results in :mod:`qcrules.engine.results`.

May import: :mod:`qcrules.base`, :mod:`qcrules.catalog`, :mod:`qcrules.facts`,
:mod:`qcrules.engine`.
"""
