"""``certifolio rundemo`` serves and runs the background worker beside the server."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def command_line(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def wait_for(condition, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def answers(url) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (local server)
            return response.status == 200
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes in /proc")
def test_rundemo_runs_the_worker_and_stops_it_with_the_server(tmp_path):
    port = free_port()
    # A data folder of its own, on SQLite, whatever database the suite runs on.
    environment = {
        key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "DEBUG")
    }
    environment["CERTIFOLIO_DATA_DIR"] = str(tmp_path / "var")
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "certifolio", "rundemo", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_for(lambda: answers(f"http://127.0.0.1:{port}/"))
        workers = [pid for pid in children_of(server.pid) if "db_worker" in command_line(pid)]
        assert len(workers) == 1

        server.send_signal(signal.SIGTERM)
        server.wait(timeout=40)

        assert wait_for(lambda: not Path(f"/proc/{workers[0]}").exists(), seconds=10)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
