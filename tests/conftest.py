"""Test configuration: make the shared helpers importable; Hypothesis profiles.

``QCRULES_HYPOTHESIS_PROFILE`` chooses the profile: ``ci`` (the default: the same examples on
every run, no deadline) or ``thorough`` (many more random examples, for a release or a search
for bugs).
"""

import importlib.util
import os
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("QCRULES_HYPOTHESIS_PROFILE", "ci"))


#: durable_rules is installed only where it loads (Python 3.11 and 3.12); elsewhere the tests
#: of the durable engine are skipped and every native-engine test still runs.
DURABLE = importlib.util.find_spec("durable_rules_engine") is not None
_BOTH_ENGINES = ("test_engines_agree.py", "test_monitor_engines.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if DURABLE:
        return
    skip = pytest.mark.skip(reason="durable_rules is not installed on this Python "
                                   "(it supports 3.11 and 3.12)")
    for item in items:
        callspec = getattr(item, "callspec", None)
        ids = callspec.id.split("-") if callspec is not None else []
        if "durable_engine" in item.path.parts or item.path.name in _BOTH_ENGINES \
                or "durable" in ids:
            item.add_marker(skip)


@pytest.fixture
def composed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many YAML nodes were composed (PyYAML's composer, however it is reached)."""
    count = [0]
    original = yaml.composer.Composer.compose_node

    def counting(self: yaml.composer.Composer, parent: object, index: object) -> object:
        count[0] += 1
        return original(self, parent, index)  # type: ignore[arg-type]

    monkeypatch.setattr(yaml.composer.Composer, "compose_node", counting)
    return count
