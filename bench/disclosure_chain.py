"""How fast a board grows and is verified: publish N notices (and a correction every tenth)
on one board of a fresh SQLite (or DATABASE_URL) database, then recompute the whole chain.

    .venv/bin/python bench/disclosure_chain.py [N]

Prints publications per second and the time to verify the chain. Not part of the test run."""
import sys
import tempfile
import time
from pathlib import Path

from portal import create_app
from portal.domain.disclosure import BoardKind
from portal.domain.permissions import Role
from portal.domain.units import UnitLevel
from portal.extensions import db
from portal.services import disclosure
from portal.services.accounts import register_user
from portal.services.units import create_unit, grant_role


def main(n: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-chain-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}", "SECRET_KEY": "bench",
                      "INSTANCE_PATH": str(folder)})
    with app.app_context():
        db.create_all()
        district = create_unit(actor=None, parent=None, level=UnitLevel.district, name="区")
        community = create_unit(actor=None, parent=district, level=UnitLevel.community, name="社区")
        committee = register_user(login="13800000002", display_name="居委会", password="", password_hash="x")
        grant_role(actor=None, user=committee, role=Role.committee, unit=community)
        db.session.commit()
        body = "<p>" + "关于小区公共收益使用情况的说明。" * 40 + "</p><table><tr><td>收入</td><td>1000</td></tr></table>"
        started = time.perf_counter()
        entries = []
        for i in range(n):
            entries.append(disclosure.publish_entry(community, BoardKind.affairs, actor=committee,
                                                    title=f"公示第{i + 1}号", body_html=body, category="notice",
                                                    notice_days=7))
            if i % 10 == 9:
                disclosure.revise_entry(entries[i - 5], actor=committee, title=f"公示更正{i}", body_html=body,
                                        category="notice", reason="金额有误")
            db.session.commit()
        publish_s = time.perf_counter() - started
        board = disclosure.board_for(community, BoardKind.affairs)
        started = time.perf_counter()
        broken = disclosure.verify_board(board)
        verify_s = time.perf_counter() - started
        print(f"{board.length} revisions ({n} notices, {board.length - n} corrections), each committed alone")
        print(f"publish: {publish_s:.2f} s, {board.length / publish_s:.0f} revisions/s")
        print(f"verify:  {verify_s:.3f} s, {board.length / verify_s:.0f} revisions/s, broken={broken}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
