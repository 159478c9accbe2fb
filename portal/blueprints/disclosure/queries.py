"""Read-side queries for the boards; each list is a fixed number of statements."""
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.domain.disclosure import BoardKind
from portal.extensions import db
from portal.models import Board, BoardEntry, EntryRevision, Objection, Unit


def board_of(unit: Unit, kind: BoardKind) -> Board | None:
    return db.session.scalar(select(Board).where(Board.unit_id == unit.id, Board.kind == kind))


def entries_on(unit: Unit, kind: BoardKind):
    """The board's entries, newest first."""
    return (select(BoardEntry).join(Board, BoardEntry.board_id == Board.id)
            .where(Board.unit_id == unit.id, Board.kind == kind).order_by(BoardEntry.created_at.desc(),
                                                                          BoardEntry.id.desc()))


def current_revisions(entry_ids: list[int]) -> dict[int, EntryRevision]:
    """Each entry's latest revision (with its attachments), in two queries."""
    if not entry_ids:
        return {}
    newest = (select(EntryRevision.entry_id, func.max(EntryRevision.number).label("n"))
              .where(EntryRevision.entry_id.in_(entry_ids)).group_by(EntryRevision.entry_id).subquery())
    rows = db.session.scalars(select(EntryRevision).options(selectinload(EntryRevision.attachments))
                              .join(newest, (newest.c.entry_id == EntryRevision.entry_id)
                                    & (newest.c.n == EntryRevision.number)))
    return {r.entry_id: r for r in rows}


def first_published(entry_ids: list[int]) -> dict:
    """When each entry was first published (its first revision), in one query."""
    if not entry_ids:
        return {}
    return dict(db.session.execute(select(EntryRevision.entry_id, EntryRevision.published_at).where(
        EntryRevision.entry_id.in_(entry_ids), EntryRevision.number == 1)).all())



def latest_per_board(unit: Unit, per_board: int = 3) -> dict[BoardKind, list[tuple[BoardEntry, EntryRevision]]]:
    """The newest few entries of each of the unit's boards."""
    out: dict[BoardKind, list] = {kind: [] for kind in BoardKind}
    entries = list(db.session.scalars(
        select(BoardEntry).options(joinedload(BoardEntry.board)).join(Board, BoardEntry.board_id == Board.id)
        .where(Board.unit_id == unit.id).order_by(BoardEntry.id.desc()).limit(60)))
    current = current_revisions([e.id for e in entries])
    for entry in entries:
        bucket = out[entry.board.kind]
        if len(bucket) < per_board:
            bucket.append((entry, current[entry.id]))
    return out


def objections_of(entry: BoardEntry) -> list[Objection]:
    return list(db.session.scalars(select(Objection).options(joinedload(Objection.author),
                                                             joinedload(Objection.answered_by))
                                   .where(Objection.entry_id == entry.id).order_by(Objection.id)))
