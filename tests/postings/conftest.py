from datetime import date

import pytest

from tests.factories import make_work_team, unit_child, unit_root


@pytest.fixture
def tree(db):
    """清河县 › 东镇 (two teams) and 西镇 (one team)."""
    county = unit_root(code="C01", name="清河县")
    east = unit_child(county, code="C01T1", name="东镇")
    west = unit_child(county, code="C01T2", name="西镇")
    return {
        "county": county,
        "east": east,
        "west": west,
        "east_team": make_work_team(east, code="C01T1V1", name="东村工作队"),
        "east_team_2": make_work_team(east, code="C01T1V2", name="南村工作队"),
        "west_team": make_work_team(west, code="C01T2V1", name="西村工作队"),
    }


@pytest.fixture
def today():
    return date(2026, 1, 15)
