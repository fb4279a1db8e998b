"""The frozen clock every case summary test runs at."""

from tests.cases.case_summary.helpers import frozen  # noqa: F401  (a fixture)
