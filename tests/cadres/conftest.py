from dataclasses import dataclass

import pytest

from cadres.models import Cadre, OrgUnit
from cadres.roles import ADMINISTRATOR_GROUP, ensure_role_groups
from tests.factories import CadreFactory, UserFactory, make_admin, make_officer, make_trainer, unit_child, unit_root


@dataclass
class World:
    county: OrgUnit
    township: OrgUnit
    team: OrgUnit
    south: OrgUnit
    other_county: OrgUnit
    own_cadre: Cadre  # in the township officer's subtree
    south_cadre: Cadre  # in the county, outside the township
    other_cadre: Cadre  # in another county
    users: dict


@pytest.fixture
def world(db) -> World:
    county = unit_root(code="C01", name="示范县")
    township = unit_child(county, code="T01", name="城关镇")
    team = unit_child(township, code="V01", name="东村工作队", level="village_team")
    south = unit_child(county, code="T02", name="南镇")
    other_county = unit_root(code="C02", name="邻县")
    own_cadre = CadreFactory(unit=team, user__username="cadre")
    group_admin = UserFactory(username="group-admin")
    group_admin.groups.add(ensure_role_groups()[ADMINISTRATOR_GROUP])
    return World(
        county=county,
        township=township,
        team=team,
        south=south,
        other_county=other_county,
        own_cadre=own_cadre,
        south_cadre=CadreFactory(unit=south),
        other_cadre=CadreFactory(unit=other_county),
        users={
            "cadre": own_cadre.user,
            "trainer": make_trainer(),
            "county": make_officer(county, username="county"),
            "township": make_officer(township, username="township"),
            "admin": make_admin(),
            "group-admin": group_admin,
        },
    )
