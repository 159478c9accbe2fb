"""Accounts, residents of households, verification requests and role grants."""
from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.permissions import Role
from portal.domain.residents import Relation, VerificationStatus
from portal.models.base import Base, UTCDateTime, enum_column_type, utcnow
from portal.models.units import Household, Unit


class User(UserMixin, Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A normalised phone number (11 digits) or a lower-cased e-mail address.
    login: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    resident: Mapped[Resident | None] = relationship(
        back_populates="user", uselist=False, foreign_keys="Resident.user_id"
    )
    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", foreign_keys="RoleGrant.user_id", order_by="RoleGrant.id"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.id} {self.login}>"


class Resident(Base):
    """A verified resident: one account, one household."""

    __tablename__ = "resident"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="RESTRICT"), index=True)
    real_name: Mapped[str] = mapped_column(String(40))
    relation: Mapped[Relation] = mapped_column(enum_column_type(Relation, "relation"))
    birth_date: Mapped[date] = mapped_column(Date)
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(back_populates="resident", foreign_keys=[user_id])
    household: Mapped[Household] = relationship(back_populates="residents")

    @property
    def is_owner(self) -> bool:
        return self.relation == Relation.owner


class VerificationRequest(Base):
    """A registered account asks to be recorded as a resident of a household."""

    __tablename__ = "verification_request"
    __table_args__ = (
        # At most one pending request per account, whatever the race.
        Index(
            "uq_verification_request_one_pending",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="RESTRICT"), index=True)
    real_name: Mapped[str] = mapped_column(String(40))
    relation: Mapped[Relation] = mapped_column(enum_column_type(Relation, "relation"))
    birth_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[VerificationStatus] = mapped_column(
        enum_column_type(VerificationStatus, "verification_status"), default=VerificationStatus.pending
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    household: Mapped[Household] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class RoleGrant(Base):
    """A role held within a unit (covering its subtree); no unit means the whole portal."""

    __tablename__ = "role_grant"
    __table_args__ = (UniqueConstraint("user_id", "role", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column_type(Role, "role"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(back_populates="grants", foreign_keys=[user_id])
    unit: Mapped[Unit | None] = relationship()
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])
