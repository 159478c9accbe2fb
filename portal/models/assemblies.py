"""Assemblies that decide a voting stage: the frozen electorate, attendance and ballots.

Open ballots record who voted how (``Ballot``). Secret ballots are split in two tables with
nothing joining them: ``SecretParticipation`` says that an elector voted (so nobody votes
twice), ``SecretBallot`` holds a choice under a random receipt and nothing else — no elector,
no time, no sequential id. SQLite keeps it ``WITHOUT ROWID`` so that not even the storage
order follows the order of voting. Owners' votes are never secret: each seat weighs its floor area, and an
area on a ballot would name the flat (owners sign their ballots, as the Civil Code expects).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.decisions import Outcome
from portal.domain.deliberation import AssemblyStatus, Choice, Presence
from portal.domain.procedures import AssemblyKind, Electorate
from portal.models.accounts import User
from portal.models.base import Base, UTCDateTime, enum_column_type, utcnow
from portal.models.deliberation import Matter
from portal.models.units import Household


class Assembly(Base):
    """居民会议 / 居民代表会议 / 党员大会 / 业主表决 on one motion, and its frozen result."""

    __tablename__ = "assembly"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matter.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(32))
    round: Mapped[int] = mapped_column(Integer)  # the matter's round it was convened in
    kind: Mapped[AssemblyKind] = mapped_column(enum_column_type(AssemblyKind, "assembly_kind"))
    electorate: Mapped[Electorate] = mapped_column(enum_column_type(Electorate, "electorate"))
    motion: Mapped[str] = mapped_column(Text)
    place: Mapped[str] = mapped_column(String(120), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # voting closes by itself then
    secret: Mapped[bool] = mapped_column(Boolean, default=False)
    major: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[AssemblyStatus] = mapped_column(
        enum_column_type(AssemblyStatus, "assembly_status"), default=AssemblyStatus.convened)
    convened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    # The frozen result and the figures that produced it. Areas in hundredths of m².
    electorate_count: Mapped[int | None] = mapped_column(Integer)
    electorate_area: Mapped[int | None] = mapped_column(BigInteger)
    attending: Mapped[int | None] = mapped_column(Integer)
    participating_area: Mapped[int | None] = mapped_column(BigInteger)
    votes_for: Mapped[int | None] = mapped_column(Integer)
    votes_against: Mapped[int | None] = mapped_column(Integer)
    votes_abstain: Mapped[int | None] = mapped_column(Integer)
    for_area: Mapped[int | None] = mapped_column(BigInteger)
    against_area: Mapped[int | None] = mapped_column(BigInteger)
    abstain_area: Mapped[int | None] = mapped_column(BigInteger)
    outcome: Mapped[Outcome | None] = mapped_column(enum_column_type(Outcome, "outcome"))

    matter: Mapped[Matter] = relationship()
    convened_by: Mapped[User | None] = relationship(foreign_keys=[convened_by_id])
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])


class Elector(Base):
    """A seat in a frozen electorate: a person, or a household (one voter per household, or
    one owner's seat per private unit with its floor area)."""

    __tablename__ = "elector"
    __table_args__ = (
        UniqueConstraint("assembly_id", "user_id"),
        UniqueConstraint("assembly_id", "household_id"),
        CheckConstraint("user_id IS NOT NULL OR household_id IS NOT NULL", name="has_seat"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id", ondelete="RESTRICT"), index=True)
    label: Mapped[str] = mapped_column(String(120))  # name or door number, as frozen
    area: Mapped[int] = mapped_column(BigInteger, default=0)  # owners' votes: hundredths of m²

    user: Mapped[User | None] = relationship()
    household: Mapped[Household | None] = relationship()


class Attendance(Base):
    """An elector present: checked in online, or recorded in the hall by the committee."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("assembly_id", "elector_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id", ondelete="CASCADE"))
    elector_id: Mapped[int] = mapped_column(ForeignKey("elector.id", ondelete="CASCADE"), index=True)
    presence: Mapped[Presence] = mapped_column(enum_column_type(Presence, "presence"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    elector: Mapped[Elector] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class Ballot(Base):
    """An open ballot: one per elector per motion, changeable until voting closes."""

    __tablename__ = "ballot"
    __table_args__ = (UniqueConstraint("assembly_id", "elector_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id", ondelete="CASCADE"))
    elector_id: Mapped[int] = mapped_column(ForeignKey("elector.id", ondelete="CASCADE"), index=True)
    choice: Mapped[Choice] = mapped_column(enum_column_type(Choice, "choice"))
    cast_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    elector: Mapped[Elector] = relationship()
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])


class SecretParticipation(Base):
    """That an elector voted in a secret ballot (never how)."""

    __tablename__ = "secret_participation"
    __table_args__ = (UniqueConstraint("assembly_id", "elector_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id", ondelete="CASCADE"))
    elector_id: Mapped[int] = mapped_column(ForeignKey("elector.id", ondelete="CASCADE"), index=True)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SecretBallot(Base):
    """A secret choice under an anonymous receipt: no elector, no time, no sequence."""

    __tablename__ = "secret_ballot"
    __table_args__ = ({"sqlite_with_rowid": False},)

    receipt: Mapped[str] = mapped_column(String(16), primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assembly.id", ondelete="CASCADE"), index=True)
    choice: Mapped[Choice] = mapped_column(enum_column_type(Choice, "choice"))
