"""Units of the grid-management tree and the households in its buildings."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.units import UnitLevel, ancestor_ids, is_within
from portal.models.base import Base, UTCDateTime, enum_column_type, utcnow


class Unit(Base):
    __tablename__ = "unit"
    __table_args__ = (
        UniqueConstraint("parent_id", "name"),
        # NULLs are distinct in a unique constraint: roots need their own unique index.
        Index("uq_unit_root_name", "name", unique=True,
              sqlite_where=text("parent_id IS NULL"), postgresql_where=text("parent_id IS NULL")),
        Index("ix_unit_path", "path"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"))
    level: Mapped[UnitLevel] = mapped_column(enum_column_type(UnitLevel, "unit_level"))
    name: Mapped[str] = mapped_column(String(80))
    # Materialised path "/00000001/00000004/" (see portal.domain.units); set once the id is known.
    path: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.id")
    households: Mapped[list[Household]] = relationship(
        back_populates="building", order_by="Household.label"
    )

    def contains(self, other: Unit) -> bool:
        """Whether ``other`` is this unit or lies below it."""
        return is_within(other.path, self.path)

    @property
    def ancestor_ids(self) -> list[int]:
        return ancestor_ids(self.path)

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.level} {self.name}>"


class Household(Base):
    """户: a dwelling in a building, with its private floor area (owners' votes weigh it)."""

    __tablename__ = "household"
    __table_args__ = (
        UniqueConstraint("building_id", "label"),
        CheckConstraint("floor_area > 0", name="floor_area_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    label: Mapped[str] = mapped_column(String(40))  # 门牌, e.g. "2单元301室"
    floor_area: Mapped[Decimal] = mapped_column(Numeric(9, 2))  # m², private area
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    building: Mapped[Unit] = relationship(back_populates="households")
    residents: Mapped[list["Resident"]] = relationship(back_populates="household")  # noqa: F821

    def __repr__(self) -> str:
        return f"<Household {self.id} {self.label}>"
