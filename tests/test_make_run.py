"""A newcomer's `make run`: migrate, load the demo, serve the portal in Chinese."""
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_make_run_serves_the_demo_community(tmp_path):
    if not (ROOT / ".venv" / ".installed").exists():
        pytest.skip("make run is exercised through make test, which installs .venv first")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "DATABASE_URL", "FLASK_"))}
    env["PORTAL_INSTANCE_PATH"] = str(tmp_path / "instance")
    proc = subprocess.Popen(["make", "run", f"PORT={port}"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        body = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as resp:
                    body = resp.read().decode()
                    break
            except OSError:
                time.sleep(0.3)
        assert body is not None, proc.stdout.read1().decode() if proc.poll() is not None else "no answer in 90 s"
        assert 'lang="zh-Hans"' in body and "议事厅" in body and "枫林社区" in body
        assert (tmp_path / "instance" / "portal.sqlite3").exists(), "the embedded SQLite file"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
        proc.stdout.close()
