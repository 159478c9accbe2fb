"""Community partners and their offers, micro-wishes and their history, care tags and the log
of every staff view of a tagged household."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.wishes import CareTag, Category, PartnerKind, PartnerStatus, WishStatus
from portal.models.accounts import Resident, User
from portal.models.base import Base, UTCDateTime, enum_column_type, utcnow
from portal.models.units import Household, Unit


class Partner(Base):
    """社区合伙人: an organisation account's profile, verified by a committee before it claims."""

    __tablename__ = "partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[PartnerKind] = mapped_column(enum_column_type(PartnerKind, "partner_kind"))
    contact_name: Mapped[str] = mapped_column(String(40))
    contact_phone: Mapped[str] = mapped_column(String(20))
    offers_summary: Mapped[str] = mapped_column(Text, default="")  # what it can offer
    status: Mapped[PartnerStatus] = mapped_column(enum_column_type(PartnerStatus, "partner_status"),
                                                  default=PartnerStatus.pending)
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    units: Mapped[list[Unit]] = relationship(secondary="partner_unit", order_by="Unit.path")


class PartnerUnit(Base):
    """A unit (a community, usually) that a partner serves."""

    __tablename__ = "partner_unit"

    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), primary_key=True)


class Offer(Base):
    """资源清单: something a partner offers, e.g. free haircuts on Wednesdays."""

    __tablename__ = "partner_offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partner: Mapped[Partner] = relationship()
    unit: Mapped[Unit] = relationship()


class Wish(Base):
    """微心愿: a small, concrete wish of a resident, and where it stands."""

    __tablename__ = "wish"
    __table_args__ = (
        CheckConstraint("value > 0", name="value_positive"),
        # A claimed or delivered wish has exactly one partner holding it.
        CheckConstraint("status NOT IN ('claimed', 'delivered') OR partner_id IS NOT NULL", name="held"),
        Index("ix_wish_unit_status", "unit_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"))  # the community
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="RESTRICT"), index=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="RESTRICT"), index=True)
    posted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    on_behalf: Mapped[bool] = mapped_column(default=False)  # 代办: posted by a grid worker
    title: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[Category] = mapped_column(enum_column_type(Category, "wish_category"))
    value: Mapped[Decimal] = mapped_column(Numeric(9, 2))
    wanted_by: Mapped[date] = mapped_column(Date)
    photo_sha256: Mapped[str | None] = mapped_column(String(64))
    photo_type: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[WishStatus] = mapped_column(enum_column_type(WishStatus, "wish_status"),
                                               default=WishStatus.draft)
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was declined
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivery_note: Mapped[str] = mapped_column(Text, default="")
    delivery_photo_sha256: Mapped[str | None] = mapped_column(String(64))
    delivery_photo_type: Mapped[str | None] = mapped_column(String(20))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    thanks: Mapped[str] = mapped_column(Text, default="")  # the beneficiary's words for the thank-you wall
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
    household: Mapped[Household] = relationship()
    beneficiary: Mapped[Resident] = relationship()
    posted_by: Mapped[User] = relationship()
    partner: Mapped[Partner | None] = relationship()


class WishEvent(Base):
    """One move of a wish: who, when, which partner, and any note. A partner's record (claims,
    deliveries, confirmations, lapses) is read from these."""

    __tablename__ = "wish_event"
    __table_args__ = (Index("ix_wish_event_partner_move", "partner_id", "move"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wish_id: Mapped[int] = mapped_column(ForeignKey("wish.id", ondelete="CASCADE"), index=True)
    move: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()


class HouseholdCareTag(Base):
    """七色暖心签 on a household. Never shown beyond the committee and grid workers of its unit."""

    __tablename__ = "household_care_tag"
    __table_args__ = (UniqueConstraint("household_id", "tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    tag: Mapped[CareTag] = mapped_column(enum_column_type(CareTag, "care_tag"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CareAccess(Base):
    """Every time staff see a tagged household's tags: who, which household, where."""

    __tablename__ = "care_access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    context: Mapped[str] = mapped_column(String(40))  # e.g. "wish_review", "wish_page", "care_tags"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

