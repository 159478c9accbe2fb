"""Deliberation: solicitation windows, suggestions and seconds, matters and their dossiers,
proposals, consult meetings, publications. Assemblies and ballots are in ``assemblies.py``."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, CheckConstraint, Column, Date, ForeignKey, Index, Integer, String, Table, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.deliberation import MeetingOutcome, PublicationKind, SuggestionStatus
from portal.models.accounts import User
from portal.models.base import Base, UTCDateTime, enum_column_type, utcnow
from portal.models.units import Unit


class Solicitation(Base):
    """征: a window in which residents of a unit send suggestions (金点子)."""

    __tablename__ = "solicitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User | None] = relationship()


class Suggestion(Base):
    """金点子: a resident's suggestion, accepted into a matter or declined with a public reason."""

    __tablename__ = "suggestion"
    __table_args__ = (Index("ix_suggestion_solicitation_status", "solicitation_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    solicitation_id: Mapped[int] = mapped_column(ForeignKey("solicitation.id", ondelete="RESTRICT"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[SuggestionStatus] = mapped_column(
        enum_column_type(SuggestionStatus, "suggestion_status"), default=SuggestionStatus.submitted)
    reason: Mapped[str] = mapped_column(Text, default="")
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matter.id", ondelete="RESTRICT"), index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    solicitation: Mapped[Solicitation] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    matter: Mapped[Matter | None] = relationship(back_populates="suggestions")


class Second(Base):
    """附议: one resident seconds one suggestion, once (the database says so)."""

    __tablename__ = "suggestion_second"
    __table_args__ = (UniqueConstraint("suggestion_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestion.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Matter(Base):
    """议题: a matter of a unit, moving through the stages of its procedure template."""

    __tablename__ = "matter"
    __table_args__ = (Index("ix_matter_unit_stage_year", "unit_id", "stage", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text, default="")
    procedure: Mapped[str] = mapped_column(String(32))  # a key of portal.domain.procedures.TEMPLATES
    position: Mapped[int] = mapped_column(Integer, default=0)  # index of the current stage
    # Bumped by every move: what a stage has on record is what was recorded in this round, so
    # a proposal sent back for revision needs a new proposal, not the old one again.
    round: Mapped[int] = mapped_column(Integer, default=0)
    stage: Mapped[str] = mapped_column(String(32))  # the current stage's key, or "concluded"
    secret_ballot: Mapped[bool] = mapped_column(Boolean, default=False)
    major: Mapped[bool] = mapped_column(Boolean, default=False)  # owners' matters: ≥ 3/4 rule
    year: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User | None] = relationship()
    suggestions: Mapped[list[Suggestion]] = relationship(back_populates="matter", order_by="Suggestion.id")
    dossier: Mapped[list[DossierEntry]] = relationship(back_populates="matter", order_by="DossierEntry.id")


class DossierEntry(Base):
    """案卷: one line of a matter's record — a stage move or an artefact recorded at a stage."""

    __tablename__ = "dossier_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matter.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # advance, send_back, proposal, meeting, ...
    stage: Mapped[str] = mapped_column(String(32))  # the stage it happened at
    to_stage: Mapped[str | None] = mapped_column(String(32))  # for moves
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    artefact_type: Mapped[str] = mapped_column(String(40), default="")
    artefact_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    matter: Mapped[Matter] = relationship(back_populates="dossier")
    actor: Mapped[User | None] = relationship()


proposal_answer = Table(
    "proposal_answer", Base.metadata,
    Column("proposal_id", ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True),
    Column("suggestion_id", ForeignKey("suggestion.id", ondelete="CASCADE"), primary_key=True),
)


class Proposal(Base):
    """提议: the formal proposal (sanitised rich text), linked to the suggestions it answers."""

    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matter.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer)  # the matter's round it was recorded in
    body_html: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()
    answers: Mapped[list[Suggestion]] = relationship(secondary=proposal_answer, order_by="Suggestion.id")


class ConsultMeeting(Base):
    """商议: the record of the joint meeting (两委联席会议) and its outcome."""

    __tablename__ = "consult_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matter.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer)  # the matter's round it was recorded in
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(120))
    attendees: Mapped[str] = mapped_column(Text)
    minutes_html: Mapped[str] = mapped_column(Text)
    opinions: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[MeetingOutcome] = mapped_column(enum_column_type(MeetingOutcome, "meeting_outcome"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recorded_by: Mapped[User | None] = relationship()


class Publication(Base):
    """决议公开 / 实施结果公开: what the committee published at a disclosure stage. The
    disclosure boards (a later feature) carry these; until then the dossier shows them."""

    __tablename__ = "publication"
    __table_args__ = (CheckConstraint("progress IS NULL OR (progress >= 0 AND progress <= 100)",
                                      name="progress_percent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matter.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer)  # the matter's round it was recorded in
    stage: Mapped[str] = mapped_column(String(32))
    kind: Mapped[PublicationKind] = mapped_column(enum_column_type(PublicationKind, "publication_kind"))
    title: Mapped[str] = mapped_column(String(120))
    body_html: Mapped[str] = mapped_column(Text)
    progress: Mapped[int | None] = mapped_column(Integer)  # percent, for progress updates
    published_on: Mapped[date] = mapped_column(Date)
    notice_ends_on: Mapped[date | None] = mapped_column(Date)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The disclosure-board entry that carries it (set when it is published to the board).
    board_entry_id: Mapped[int | None] = mapped_column(ForeignKey("board_entry.id", ondelete="RESTRICT"))

    published_by: Mapped[User | None] = relationship()
