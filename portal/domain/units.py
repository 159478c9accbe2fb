"""The unit tree of 网格化管理: district › street › community › grid › compound › building."""
import re
from decimal import Decimal
from enum import StrEnum


class UnitLevel(StrEnum):
    district = "district"    # 区
    street = "street"        # 街道
    community = "community"  # 社区
    grid = "grid"            # 网格
    compound = "compound"    # 小区
    building = "building"    # 楼栋


LEVELS: tuple[UnitLevel, ...] = tuple(UnitLevel)


def depth(level: UnitLevel) -> int:
    """Position of a level in the tree, 0 for district."""
    return LEVELS.index(level)


def child_levels(parent: UnitLevel | None) -> tuple[UnitLevel, ...]:
    """Levels a new child may have: any deeper level (a compound may sit straight under a
    community that has no grids), any level at all for a root."""
    if parent is None:
        return LEVELS
    return LEVELS[depth(parent) + 1:]


def is_valid_child(parent: UnitLevel | None, child: UnitLevel) -> bool:
    """Whether a unit of level ``child`` may be created under ``parent``."""
    return child in child_levels(parent)


def path_for(parent_path: str | None, unit_id: int) -> str:
    """Materialised path ``/00000001/00000004/``: a unit's subtree is every path starting with its
    own; ids are zero-padded so that sorting by path lists the tree in order."""
    return f"{parent_path or '/'}{unit_id:08d}/"


def ancestor_ids(path: str) -> list[int]:
    """Ids on a materialised path, root first, the unit itself last."""
    return [int(part) for part in path.strip("/").split("/") if part]


def is_within(path: str, scope_path: str) -> bool:
    """Whether the unit at ``path`` lies in the subtree rooted at ``scope_path``."""
    return path.startswith(scope_path)


MAX_FLOOR_AREA = Decimal("10000")


_AREA_RE = re.compile(r"[0-9]{1,4}(\.[0-9]{1,2})?")


def parse_floor_area(raw) -> Decimal | None:
    """A private floor area in m², written plainly ("86.5"): above 0 and below 10,000 with at
    most two decimals, in ASCII digits; anything else (NaN, "1e3", "1,000", "٣٥") is None."""
    text = str(raw).strip() if raw is not None else ""
    if not _AREA_RE.fullmatch(text):
        return None
    area = Decimal(text)
    if area <= 0 or area >= MAX_FLOOR_AREA:
        return None
    return area.quantize(Decimal("0.01"))
