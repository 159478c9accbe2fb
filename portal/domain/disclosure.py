"""Disclosure boards (DESIGN §6): the hash chain, notice periods and attachment kinds.

Every board is a chain of revisions. A revision's hash is the SHA-256 of its **canonical
form**, which includes the previous revision's hash, so changing, removing or reordering any
revision breaks every link after it.

Canonical form (version 1), documented here because anyone must be able to recompute it:

* a JSON object with exactly the keys of ``Revision`` below, plus ``"v": 1``;
* strings in Unicode NFC; datetimes in UTC as ``YYYY-MM-DDTHH:MM:SSZ`` (whole seconds);
  dates as ``YYYY-MM-DD``; absent values as ``null``; attachments as a list, in upload order,
  of objects ``{"name", "content_type", "size", "sha256"}``;
* serialised with sorted keys, no insignificant whitespace (separators ``,`` and ``:``),
  non-ASCII characters written as themselves, encoded as UTF-8.

The first revision of a board links to ``GENESIS`` (64 zeros).
"""
import hashlib
import json
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from enum import StrEnum

GENESIS = "0" * 64
CANONICAL_VERSION = 1


class BoardKind(StrEnum):
    affairs = "affairs"    # 居务公开
    party = "party"        # 党务公开
    finance = "finance"    # 财务公开
    service = "service"    # 服务公开


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Revision:
    """What a revision's hash covers."""

    board: str                 # "<unit id>/<board kind>"
    seq: int                   # position in the board's chain, from 1
    entry: int                 # the entry's id
    number: int                # the revision's number within its entry, from 1
    title: str
    body_html: str
    category: str
    published_at: datetime
    notice_ends_on: date | None
    reason: str                # why this revision corrects the previous one ("" for the first)
    source: str                # e.g. "matter/12/disclose_resolution", or ""
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    prev_hash: str = GENESIS


def _nfc(value):
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def _plain(value):
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in a revision")
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return _nfc(value)


def canonical(revision: Revision) -> bytes:
    """The revision's canonical bytes (see the module docstring)."""
    data = _plain(asdict(revision))
    data["v"] = CANONICAL_VERSION
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def revision_hash(revision: Revision) -> str:
    """SHA-256 (hex) of the canonical form, which includes the previous hash."""
    return hashlib.sha256(canonical(revision)).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first broken link: the chain position, and what is wrong there."""

    seq: int
    problem: str  # "gap" (a revision missing or out of order), "prev" (wrong previous hash),
                  # "hash" (content changed since it was hashed)


def verify_chain(revisions: list[tuple[Revision, str]]) -> Break | None:
    """Recompute a board's chain from its stored revisions (each with its stored hash), in
    stored order. Returns the first broken link, or None when the chain holds."""
    prev = GENESIS
    for expected_seq, (revision, stored_hash) in enumerate(revisions, start=1):
        if revision.seq != expected_seq:
            return Break(expected_seq, "gap")
        if revision.prev_hash != prev:
            return Break(revision.seq, "prev")
        if revision_hash(revision) != stored_hash:
            return Break(revision.seq, "hash")
        prev = stored_hash
    return None


def objections_open(notice_ends_on: date | None, today: date) -> bool:
    """Objections are accepted up to and including the notice period's last day."""
    return notice_ends_on is not None and today <= notice_ends_on


# Attachments: what may be uploaded, recognised by content, not by the name the browser sends.
MAGIC = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


def sniff(head: bytes) -> str | None:
    """The content type of an upload from its first bytes, if it is one we accept."""
    for magic, content_type in MAGIC.items():
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def rating_is_valid(score: int) -> bool:
    """群众评议: a score from 1 to 5."""
    return 1 <= score <= 5
