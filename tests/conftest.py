"""Test configuration: make the shared helpers importable; Hypothesis profiles.

``QCRULES_HYPOTHESIS_PROFILE`` chooses the profile: ``ci`` (the default: the same examples on
every run, no deadline) or ``thorough`` (many more random examples, for a release or a search
for bugs).
"""

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("QCRULES_HYPOTHESIS_PROFILE", "ci"))
