"""公开栏: publishing to a unit's boards, corrections as new revisions, the hash chain,
attachments, objections during the notice period, and residents' ratings of results.

Appending to a board first takes the board's row with a guarded UPDATE (as votes take their
assembly's row), so two publications on one board are chained one after the other: each
revision links to the hash the board's head had when it was appended.
"""
from datetime import date, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from portal.clock import local_date
from portal.domain.deliberation import notice_end
from portal.domain.disclosure import (Attachment, BoardKind, Break, Revision, objections_open, rating_is_valid,
                                      revision_hash, verify_chain)
from portal.domain.permissions import Role
from portal.domain.procedures import StageKey
from portal.domain.units import UnitLevel
from portal.extensions import db
from portal.models import (Board, BoardEntry, EntryRevision, Matter, Objection, Rating, RevisionAttachment, Unit,
                           User)
from portal.models.base import utcnow
from portal.permissions import can, can_anywhere, facts_for
from portal.sanitize import is_blank, sanitize_html
from portal.services import PermissionDenied, ServiceError
from portal.services.audit import record
from portal.services.files import Upload, attachment_dir, store_upload  # noqa: F401  (part of this API)

CATEGORIES = ("notice", "resolution", "progress", "result", "finance", "party", "service")
MAX_ATTACHMENTS = 5


def may_publish(user, unit: Unit, kind: BoardKind) -> bool:
    """The committee publishes on every board; the party organisation also on 党务公开."""
    if can(user, "publish_disclosure", unit):
        return True
    return kind == BoardKind.party and Role.party_org in facts_for(user, unit).roles


def may_publish_somewhere(user) -> bool:
    """For the publishing tools (the htmx preview): the committee or party organisation of
    some unit."""
    return can_anywhere(user, "publish_disclosure") or (
        getattr(user, "is_authenticated", False) and any(g.role == Role.party_org for g in user.grants))


def community_of(unit: Unit) -> Unit:
    """The community a unit belongs to (itself if it is one, or above it): a matter's
    resolution goes on its community's 居务公开 board."""
    node = unit
    while node is not None and node.level != UnitLevel.community:
        node = node.parent
    return node or unit


def board_for(unit: Unit, kind: BoardKind) -> Board:
    """The unit's board of ``kind``, made on first use."""
    board = db.session.scalar(select(Board).where(Board.unit_id == unit.id, Board.kind == kind))
    if board is not None:
        return board
    try:
        with db.session.begin_nested():
            board = Board(unit_id=unit.id, kind=kind, length=0, head_hash="0" * 64)
            db.session.add(board)
    except IntegrityError:
        board = db.session.scalar(select(Board).where(Board.unit_id == unit.id, Board.kind == kind))
    return board


def _store(uploads: list[Upload]) -> list[Attachment]:
    """Check and keep the files (PDF or images), at most ``MAX_ATTACHMENTS``."""
    if len(uploads) > MAX_ATTACHMENTS:
        raise ServiceError(_l("At most %(n)s attachments.", n=MAX_ATTACHMENTS))
    return [store_upload(upload) for upload in uploads]


def _lock(board: Board) -> Board:
    """Take the board's row for this transaction and read its current head."""
    db.session.execute(update(Board).where(Board.id == board.id).values(length=Board.length)
                       .execution_options(synchronize_session=False))
    db.session.refresh(board)
    return board


def _clean(title: str, body_html: str, category: str) -> tuple[str, str]:
    title = (title or "").strip()
    if not title or len(title) > 120:
        raise ServiceError(_l("Give the notice a title of at most 120 characters."))
    body = sanitize_html(body_html or "")
    if is_blank(body):
        raise ServiceError(_l("Write the text of the notice."))
    if len(body) > 50000:
        raise ServiceError(_l("The text is too long."))
    if category not in CATEGORIES:
        raise ServiceError(_l("Choose one of the categories offered."))
    return title, str(body)


def _append(board: Board, entry: BoardEntry, *, actor: User | None, title: str, body_html: str, category: str,
            notice_ends_on: date | None, reason: str, attachments: list[Attachment], now: datetime) -> EntryRevision:
    """Add one revision to the board's chain."""
    _lock(board)
    number = 1 + (db.session.scalar(select(func.max(EntryRevision.number)).where(
        EntryRevision.entry_id == entry.id)) or 0)
    published_at = now.replace(microsecond=0)
    content = Revision(board=f"{board.unit_id}/{board.kind.value}", seq=board.length + 1, entry=entry.id,
                       number=number, title=title, body_html=body_html, category=category,
                       published_at=published_at, notice_ends_on=notice_ends_on, reason=reason,
                       source=entry.source, attachments=tuple(attachments), prev_hash=board.head_hash)
    digest = revision_hash(content)
    revision = EntryRevision(board_id=board.id, seq=content.seq, entry_id=entry.id, number=number, title=title,
                             body_html=body_html, category=category, published_at=published_at,
                             notice_ends_on=notice_ends_on, reason=reason, source=entry.source,
                             prev_hash=board.head_hash, hash=digest,
                             published_by_id=actor.id if actor is not None else None)
    revision.attachments = [RevisionAttachment(position=i, name=a.name, content_type=a.content_type, size=a.size,
                                               sha256=a.sha256) for i, a in enumerate(attachments)]
    db.session.add(revision)
    db.session.execute(update(Board).where(Board.id == board.id).values(length=content.seq, head_hash=digest)
                       .execution_options(synchronize_session=False))
    db.session.flush()
    db.session.refresh(board)
    return revision


def publish_entry(unit: Unit, kind: BoardKind, *, actor: User | None, title: str, body_html: str, category: str,
                  notice_days: int | None = None, uploads: list[Upload] = (), source: str = "",
                  matter: Matter | None = None, now: datetime | None = None,
                  notice_ends_on: date | None = None) -> BoardEntry:
    """Publish a new entry on the unit's board (``actor=None`` for the system, e.g. when a
    matter's stage publishes on its own)."""
    if actor is not None and not may_publish(actor, unit, kind):
        raise PermissionDenied(_l("Only the committee of this unit can publish on its boards."))
    title, body = _clean(title, body_html, category)
    now = now or utcnow()
    if notice_days is not None:
        if not 1 <= notice_days <= 90:
            raise ServiceError(_l("A notice period lasts between 1 and 90 days."))
        notice_ends_on = notice_end(local_date(now), notice_days)
    attachments = _store(list(uploads))
    board = board_for(unit, kind)
    entry = BoardEntry(board_id=board.id, matter_id=matter.id if matter is not None else None, source=source,
                       created_at=now, created_by_id=actor.id if actor is not None else None)
    db.session.add(entry)
    db.session.flush()
    _append(board, entry, actor=actor, title=title, body_html=body, category=category,
            notice_ends_on=notice_ends_on, reason="", attachments=attachments, now=now)
    record(actor, "disclosure.publish", entry, unit=unit, detail=f"{kind.value}: {title}")
    return entry


def latest(entry: BoardEntry) -> EntryRevision:
    return db.session.scalar(select(EntryRevision).where(EntryRevision.entry_id == entry.id)
                             .order_by(EntryRevision.number.desc()).limit(1))


def revise_entry(entry: BoardEntry, *, actor: User, title: str, body_html: str, category: str, reason: str,
                 keep_attachments: bool = True, uploads: list[Upload] = (),
                 now: datetime | None = None) -> EntryRevision:
    """更正: publish a correction as a new revision, saying why; earlier revisions stay."""
    board = entry.board
    if not may_publish(actor, board.unit, board.kind):
        raise PermissionDenied(_l("Only the committee of this unit can publish on its boards."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Say what the correction corrects and why."))
    title, body = _clean(title, body_html, category)
    current = latest(entry)
    kept = [Attachment(a.name, a.content_type, a.size, a.sha256) for a in current.attachments] \
        if keep_attachments else []
    attachments = kept + _store(list(uploads))
    if len(attachments) > MAX_ATTACHMENTS:
        raise ServiceError(_l("At most %(n)s attachments.", n=MAX_ATTACHMENTS))
    revision = _append(board, entry, actor=actor, title=title, body_html=body, category=category,
                       notice_ends_on=current.notice_ends_on, reason=reason[:2000], attachments=attachments,
                       now=now or utcnow())
    record(actor, "disclosure.revise", entry, unit=board.unit, detail=reason)
    return revision


def stored_revision(row: EntryRevision, board: Board) -> Revision:
    """A stored revision as the domain's ``Revision``, to recompute its hash."""
    return Revision(board=f"{board.unit_id}/{board.kind.value}", seq=row.seq, entry=row.entry_id,
                    number=row.number, title=row.title, body_html=row.body_html, category=row.category,
                    published_at=row.published_at, notice_ends_on=row.notice_ends_on, reason=row.reason,
                    source=row.source, prev_hash=row.prev_hash,
                    attachments=tuple(Attachment(a.name, a.content_type, a.size, a.sha256) for a in row.attachments))


def verify_board(board: Board) -> Break | None:
    """Recompute the board's chain from the database; also checks that the board's head and
    length still match the last link (so removing the newest revisions is caught too)."""
    from sqlalchemy.orm import selectinload

    rows = list(db.session.scalars(select(EntryRevision).options(selectinload(EntryRevision.attachments))
                                   .where(EntryRevision.board_id == board.id).order_by(EntryRevision.seq,
                                                                                       EntryRevision.id)))
    broken = verify_chain([(stored_revision(r, board), r.hash) for r in rows])
    if broken is not None:
        return broken
    # The entry rows the pages list must be exactly those the chain knows, pointing where the
    # hashed source says (an entry moved to another board or re-linked to another matter).
    first_seq = {}
    for r in rows:
        first_seq.setdefault(r.entry_id, r.seq)
    entries = db.session.execute(select(BoardEntry.id, BoardEntry.board_id, BoardEntry.matter_id, BoardEntry.source)
                                 .where((BoardEntry.board_id == board.id) | BoardEntry.id.in_(list(first_seq)))).all()
    sources = {r.entry_id: r.source for r in rows}
    for entry_id, board_id, matter_id, source in sorted(entries, key=lambda e: first_seq.get(e[0], 0)):
        seq = first_seq.get(entry_id)
        if seq is None or board_id != board.id:
            return Break(seq or len(rows) + 1, "gap")
        hashed = sources[entry_id]
        linked = f"matter/{matter_id}/" if matter_id is not None else ""
        if source != hashed or (linked and not hashed.startswith(linked)) or (not linked and
                                                                              hashed.startswith("matter/")):
            return Break(seq, "hash")
    db.session.refresh(board)
    if board.length != len(rows) or board.head_hash != (rows[-1].hash if rows else "0" * 64):
        return Break(len(rows) + 1, "gap")
    return None


def file_objection(entry: BoardEntry, *, actor: User, body: str, today: date,
                   now: datetime | None = None) -> Objection:
    """异议: a verified resident of the unit objects while the notice period runs."""
    unit = entry.board.unit
    if not can(actor, "file_objection", unit):
        raise PermissionDenied(_l("Only verified residents of %(unit)s can file an objection here.", unit=unit.name))
    current = latest(entry)
    if current.notice_ends_on is None:
        raise ServiceError(_l("This notice has no notice period for objections."))
    if today < local_date(entry.revisions[0].published_at):
        raise ServiceError(_l("The notice was not yet published on that day."))
    if not objections_open(current.notice_ends_on, today):
        raise ServiceError(_l("The notice period ended on %(day)s; objections are no longer accepted.",
                              day=current.notice_ends_on.isoformat()))
    body = (body or "").strip()
    if not body:
        raise ServiceError(_l("Write your objection."))
    if len(body) > 3000:
        raise ServiceError(_l("The objection is too long."))
    objection = Objection(entry_id=entry.id, author_id=actor.id, body=body, created_at=now or utcnow())
    db.session.add(objection)
    db.session.flush()
    record(actor, "disclosure.object", entry, unit=unit)
    return objection


def answer_objection(objection: Objection, *, actor: User, answer: str, now: datetime | None = None) -> None:
    """The committee answers an objection publicly, once."""
    entry = db.session.get(BoardEntry, objection.entry_id)
    unit = entry.board.unit
    if not may_publish(actor, unit, entry.board.kind):
        raise PermissionDenied(_l("Only the committee of this unit answers objections."))
    now = now or utcnow()
    if now < objection.created_at:
        raise ServiceError(_l("An answer cannot be dated before the objection."))
    answer = (answer or "").strip()
    if not answer:
        raise ServiceError(_l("Write the answer: it is published with the objection."))
    result = db.session.execute(update(Objection).where(Objection.id == objection.id, Objection.answered_at.is_(None))
                                .values(answer=answer[:3000], answered_by_id=actor.id, answered_at=now)
                                .execution_options(synchronize_session=False))
    db.session.refresh(objection)
    if result.rowcount != 1:
        raise ServiceError(_l("This objection has already been answered."))
    record(actor, "disclosure.answer", entry, unit=unit, detail=f"objection={objection.id}")


def may_rate(matter: Matter) -> bool:
    """Results are rated once the matter reports them (stage 6) or has concluded."""
    return matter.stage in (StageKey.disclose_results.value, "concluded")


def rate_result(matter: Matter, *, actor: User, score: int, comment: str = "",
                now: datetime | None = None) -> Rating:
    """群众评议: a verified resident of the matter's unit rates the results, once."""
    if not can(actor, "rate_results", matter.unit):
        raise PermissionDenied(_l("Only verified residents of %(unit)s can rate these results.", unit=matter.unit.name))
    if not may_rate(matter):
        raise ServiceError(_l("Results can be rated once they are disclosed."))
    if not rating_is_valid(score):
        raise ServiceError(_l("Rate from 1 to 5 stars."))
    rating = Rating(matter_id=matter.id, user_id=actor.id, score=score, comment=(comment or "").strip()[:1000],
                    created_at=now or utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(rating)
    except IntegrityError:
        raise ServiceError(_l("You have already rated these results.")) from None
    record(actor, "disclosure.rate", matter, unit=matter.unit, detail=str(score))
    return rating


def has_rated(matter: Matter, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(Rating.id).where(Rating.matter_id == matter.id, Rating.user_id == user.id)) \
        is not None


def rating_summary(matter: Matter) -> tuple[int, float | None]:
    """(number of ratings, average score)."""
    n, avg = db.session.execute(select(func.count(Rating.id), func.avg(Rating.score))
                                .where(Rating.matter_id == matter.id)).one()
    return n, (round(float(avg), 1) if avg is not None else None)


def publish_for_matter(publication, matter: Matter, *, actor: User, assembly=None,
                       now: datetime | None = None) -> BoardEntry:
    """Stages 5 and 6 publish on the community's 居务公开 board by themselves: the resolution
    with the frozen figures of the vote that produced it, progress updates and the final
    report. The board's text is written in the portal's default language: it is the record."""
    from flask_babel import force_locale

    from portal.domain.deliberation import PublicationKind
    from portal.labels import ASSEMBLY_LABELS, ELECTORATE_LABELS, OUTCOME_LABELS

    category = {PublicationKind.resolution: "resolution", PublicationKind.progress: "progress",
                PublicationKind.final: "result"}[publication.kind]
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        label = _escape(str(_l("Matter")))
        parts = [f"<p><strong>{label}</strong>：{_escape(matter.title)}</p>", str(publication.body_html)]
        if publication.kind == PublicationKind.resolution and assembly is not None and assembly.outcome:
            parts.append(_figures_table(assembly, ASSEMBLY_LABELS, ELECTORATE_LABELS, OUTCOME_LABELS))
        if publication.progress is not None and publication.kind == PublicationKind.progress:
            progress = _escape(str(_l("Progress: %(p)s%%", p=publication.progress)))
            parts.append(f"<p>{progress}</p>")
        body = "".join(str(p) for p in parts)
    entry = publish_entry(community_of(matter.unit), BoardKind.affairs, actor=None, title=publication.title,
                          body_html=body, category=category, notice_ends_on=publication.notice_ends_on,
                          matter=matter, source=f"matter/{matter.id}/{publication.stage}", now=now)
    publication.board_entry_id = entry.id
    record(actor, "disclosure.publish_matter", entry, unit=matter.unit, detail=f"matter={matter.id}")
    return entry


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def _figures_table(assembly, kinds, electorates, outcomes) -> str:
    """The frozen result as a table: what the vote was, who could vote, the counts, the outcome."""
    rows = [(_l("Assembly"), kinds[assembly.kind]), (_l("Who votes"), electorates[assembly.electorate]),
            (_l("Seats in the electorate"), assembly.electorate_count)]
    if assembly.kind.value == "owners_vote":
        rows += [(_l("Total floor area"), f"{assembly.electorate_area / 100:.2f} m²"),
                 (_l("Floor area taking part"), f"{assembly.participating_area / 100:.2f} m²"),
                 (_l("Floor area for"), f"{assembly.for_area / 100:.2f} m²")]
    else:
        rows.append((_l("Attending"), assembly.attending))
    rows += [(_l("For"), assembly.votes_for), (_l("Against"), assembly.votes_against),
             (_l("Abstain"), assembly.votes_abstain), (_l("Result"), outcomes[assembly.outcome])]
    cells = "".join(f"<tr><th>{_escape(str(k))}</th><td>{_escape(str(v))}</td></tr>" for k, v in rows)
    return f"<table><tbody>{cells}</tbody></table>"
