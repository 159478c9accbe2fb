"""Disclosure boards: append-only entries with hash-chained revisions, attachments,
objections during the notice period, and residents' ratings of a matter's results."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.disclosure import BoardKind
from portal.models.accounts import User
from portal.models.base import Base, UTCDateTime, enum_column_type, utcnow
from portal.models.units import Unit


class Board(Base):
    """公开栏: one of a unit's four boards, and the head of its hash chain."""

    __tablename__ = "board"
    __table_args__ = (UniqueConstraint("unit_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"))
    kind: Mapped[BoardKind] = mapped_column(enum_column_type(BoardKind, "board_kind"))
    length: Mapped[int] = mapped_column(Integer, default=0)  # revisions in the chain
    head_hash: Mapped[str] = mapped_column(String(64), default="0" * 64)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()


class BoardEntry(Base):
    """A published notice. It has no content of its own: its revisions carry it, and a
    correction is a new revision, never an edit."""

    __tablename__ = "board_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id", ondelete="RESTRICT"), index=True)
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matter.id", ondelete="RESTRICT"), index=True)
    source: Mapped[str] = mapped_column(String(80), default="")  # e.g. "matter/12/disclose_resolution"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    board: Mapped[Board] = relationship()
    revisions: Mapped[list[EntryRevision]] = relationship(back_populates="entry", order_by="EntryRevision.number")


class EntryRevision(Base):
    """One link of a board's chain: the content of an entry as published or corrected."""

    __tablename__ = "entry_revision"
    __table_args__ = (UniqueConstraint("board_id", "seq"), UniqueConstraint("entry_id", "number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id", ondelete="RESTRICT"))
    seq: Mapped[int] = mapped_column(Integer)
    entry_id: Mapped[int] = mapped_column(ForeignKey("board_entry.id", ondelete="RESTRICT"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(120))
    body_html: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(40))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    notice_ends_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(80), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    entry: Mapped[BoardEntry] = relationship(back_populates="revisions")
    published_by: Mapped[User | None] = relationship()
    attachments: Mapped[list[RevisionAttachment]] = relationship(order_by="RevisionAttachment.position")


class RevisionAttachment(Base):
    """A PDF or image of a revision; the file lives in the instance folder under its SHA-256."""

    __tablename__ = "revision_attachment"
    __table_args__ = (UniqueConstraint("revision_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("entry_revision.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))


class Objection(Base):
    """异议: a verified resident objects during the notice period; the committee answers publicly."""

    __tablename__ = "objection"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("board_entry.id", ondelete="RESTRICT"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])


class Rating(Base):
    """群众评议: a resident rates a matter's results once, 1 to 5, with an optional comment."""

    __tablename__ = "rating"
    __table_args__ = (UniqueConstraint("matter_id", "user_id"),
                      CheckConstraint("score >= 1 AND score <= 5", name="score_range"))

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matter.id", ondelete="RESTRICT"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
