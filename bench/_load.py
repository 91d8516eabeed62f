"""Concurrent HTTP load on loopback, and a gunicorn server to take it.

Each client is a thread that sends one request after another, each on a new connection
(gunicorn's sync workers close every connection), and keeps what the answer tells it (a
grade's new revision, say). Latencies are measured from the connection to the last byte
of the answer; an error is an exception or an answer other than 2xx or a redirection (a form's
success).
"""

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass
class Request:
    method: str
    path: str
    body: bytes = b""
    headers: dict = field(default_factory=dict)


class Client:
    """One simulated user: says what to send next and reads each answer."""

    def next_request(self) -> Request:
        raise NotImplementedError

    def read_answer(self, status: int, body: bytes) -> None:
        """Called with every answer (success or not)."""


@dataclass
class LoadResult:
    seconds: float
    latencies_ms: list[float]
    errors: int
    first_error: str = ""

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, rank: int) -> float:
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else 0.0
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[rank - 1]


def run_load(port: int, clients: list[Client], *, seconds: float, warmup: float = 0.5):
    """Every client sends requests for ``warmup`` then ``seconds``; only the second part is
    counted."""
    start = time.perf_counter()
    counted_from = start + warmup
    deadline = counted_from + seconds
    latencies: list[list[float]] = [[] for _ in clients]
    errors = [0] * len(clients)
    first_error: list[str] = []

    def work(index: int, client: Client):
        while True:
            sent = time.perf_counter()
            if sent >= deadline:
                return
            request = client.next_request()
            try:
                status, body = _send(port, request)
            except OSError as error:
                status, body = 0, str(error).encode()
            done = time.perf_counter()
            client.read_answer(status, body)
            if sent < counted_from:
                continue
            latencies[index].append((done - sent) * 1000)
            if not 200 <= status < 400:
                errors[index] += 1
                if not first_error:
                    first_error.append(f"{status} {request.method} {request.path}: {body[:200]!r}")

    threads = [threading.Thread(target=work, args=pair) for pair in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(
        seconds=seconds,
        latencies_ms=[value for values in latencies for value in values],
        errors=sum(errors),
        first_error=first_error[0] if first_error else "",
    )


def _send(port: int, request: Request) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Host": "127.0.0.1", "Connection": "close", **request.headers}
        connection.request(request.method, request.path, body=request.body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn serving certifolio with the benchmarks' settings, on loopback."""

    def __init__(self, *, workers: int = 2, probe: str = "/bench/one-write/"):
        self.port = free_port()
        # What is asked until it answers 200, to know the server is up.
        self.probe = probe
        self.workers = workers
        self.process = None

    def __enter__(self):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "_bench_settings",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        }
        self.process = subprocess.Popen(  # noqa: S603 - our own server
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--pythonpath",
                str(HERE),
                "--log-level",
                "warning",
                "certifolio.wsgi:application",
            ],
            env=env,
        )
        self._wait_until_up()
        return self

    def _wait_until_up(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn stopped at start")
            try:
                status, _body = _send(self.port, Request("GET", self.probe))
                if status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
