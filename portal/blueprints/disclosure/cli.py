"""``flask --app portal disclosure verify``: recompute every board's hash chain."""
import click
from flask.cli import with_appcontext
from sqlalchemy import select

from portal.blueprints.disclosure.views import bp
from portal.extensions import db
from portal.labels import BOARD_LABELS
from portal.models import Board
from portal.services.disclosure import verify_board

PROBLEMS = {"gap": "a revision is missing or out of order", "prev": "it does not link to the revision before it",
            "hash": "its content was changed after it was published"}


@bp.cli.command("verify")
@click.option("--unit", "unit_id", type=int, help="Only the boards of this unit (id).")
@with_appcontext
def verify(unit_id: int | None) -> None:
    """Recompute each board's chain and report the first broken link; exit 1 if any."""
    stmt = select(Board).order_by(Board.unit_id, Board.kind)
    if unit_id is not None:
        stmt = stmt.where(Board.unit_id == unit_id)
    boards = list(db.session.scalars(stmt))
    failed = 0
    for board in boards:
        broken = verify_board(board)
        label = f"{board.unit.name} {BOARD_LABELS[board.kind]} ({board.length} revisions)"
        if broken is None:
            click.echo(f"ok      {label}, head {board.head_hash[:16]}")
        else:
            failed += 1
            click.echo(f"BROKEN  {label}: first broken link at #{broken.seq}: {PROBLEMS[broken.problem]}")
    click.echo(f"{len(boards)} board(s) checked, {failed} broken")
    if failed:
        raise SystemExit(1)
