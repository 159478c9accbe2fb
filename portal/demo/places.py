"""Demo places: 江滨区 › 望江街道 › two communities, their grids, compounds, buildings and
about 200 households with realistic door numbers and floor areas."""
import random
from dataclasses import dataclass, field
from decimal import Decimal

from portal.domain.units import UnitLevel
from portal.models import Household, Unit
from portal.services.units import add_household, create_unit

DISTRICT = "江滨区"
STREET = "望江街道"

# community → grid → compound → (buildings, units per building, floors, flats per floor, area range m²)
LAYOUT = {
    "枫林社区": {
        "第一网格": {"枫林一村": (3, 1, 6, 2, (58, 92))},
        "第二网格": {"枫林新苑": (3, 2, 5, 2, (88, 143))},  # 3号小区 of the EV-charger vote
        "第三网格": {"电机厂宿舍": (3, 1, 5, 2, (42, 64))},  # 老家属院, 1980s, no insulation
    },
    "桂花苑社区": {
        "第一网格": {"桂花苑": (4, 1, 6, 2, (72, 128))},
        "第二网格": {"丹桂里": (3, 1, 5, 2, (60, 98))},
    },
}


@dataclass
class DemoWorld:
    rng: random.Random
    units: dict[str, Unit] = field(default_factory=dict)       # by full name path "枫林社区/枫林一村/1幢"
    households: dict[str, list[Household]] = field(default_factory=dict)  # by community name
    people: dict[str, object] = field(default_factory=dict)    # demo accounts by key

    def community(self, name: str) -> Unit:
        return self.units[name]


def load() -> DemoWorld:
    world = DemoWorld(rng=random.Random(20261122))
    district = create_unit(actor=None, parent=None, level=UnitLevel.district, name=DISTRICT)
    street = create_unit(actor=None, parent=district, level=UnitLevel.street, name=STREET)
    world.units[DISTRICT], world.units[STREET] = district, street
    for community_name, grids in LAYOUT.items():
        community = create_unit(actor=None, parent=street, level=UnitLevel.community, name=community_name)
        world.units[community_name] = community
        world.households[community_name] = []
        for grid_name, compounds in grids.items():
            grid = create_unit(actor=None, parent=community, level=UnitLevel.grid, name=grid_name)
            world.units[f"{community_name}/{grid_name}"] = grid
            for compound_name, (n_buildings, n_units, floors, flats, (lo, hi)) in compounds.items():
                compound = create_unit(actor=None, parent=grid, level=UnitLevel.compound, name=compound_name)
                world.units[compound_name] = compound
                for b in range(1, n_buildings + 1):
                    building = create_unit(actor=None, parent=compound, level=UnitLevel.building, name=f"{b}幢")
                    world.units[f"{compound_name}/{b}幢"] = building
                    for u in range(1, n_units + 1):
                        for floor in range(1, floors + 1):
                            for flat in range(1, flats + 1):
                                area = Decimal(world.rng.randint(lo * 10, hi * 10)) / 10
                                label = f"{u}单元{floor}0{flat}室"
                                hh = add_household(actor=None, building=building, label=label, floor_area=area)
                                world.households[community_name].append(hh)
    return world
