"""Atom feeds of the boards (feedgen): one feed per board, newest entries first."""
from feedgen.feed import FeedGenerator
from flask import url_for
from flask_babel import gettext as _


from portal.blueprints.disclosure import queries
from portal.domain.disclosure import BoardKind
from portal.extensions import db
from portal.labels import BOARD_LABELS
from portal.models import Unit

FEED_SIZE = 30


def atom(unit: Unit, kind: BoardKind) -> bytes:
    """The board's Atom document. Entry ids are tag URIs that stay the same however the
    site's address changes; a corrected entry carries its latest revision and update time."""
    board_url = url_for("disclosure.board", unit_id=unit.id, kind=kind.value, _external=True)
    fg = FeedGenerator()
    fg.id(f"tag:community-hall,2026:board/{unit.id}/{kind.value}")
    fg.title(f"{unit.name} · {BOARD_LABELS[kind]}")
    fg.subtitle(_("Public notices of %(unit)s", unit=unit.name))
    fg.link(href=board_url, rel="alternate")
    fg.link(href=url_for("disclosure.feed", unit_id=unit.id, kind=kind.value, _external=True), rel="self")
    fg.language("zh-Hans")
    entries = list(db.session.scalars(queries.entries_on(unit, kind).limit(FEED_SIZE)))
    current = queries.current_revisions([e.id for e in entries])
    first_published = queries.first_published([e.id for e in entries])
    updated = None
    for entry in reversed(entries):  # feedgen prepends: add oldest first
        revision = current[entry.id]
        item = fg.add_entry()
        item.id(f"tag:community-hall,2026:entry/{entry.id}")
        item.title(revision.title)
        item.link(href=url_for("disclosure.entry", entry_id=entry.id, _external=True))
        item.published(first_published[entry.id])
        item.updated(revision.published_at)
        item.content(revision.body_html, type="html")
        item.category(term=revision.category)
        updated = max(updated or revision.published_at, revision.published_at)
    if updated is not None:
        fg.updated(updated)
    else:
        fg.updated(unit.created_at)
    return fg.atom_str(pretty=True)



