"""Append events to the audit trail, then verify the whole hash chain.

Reports the append rate (each event locks the chain head, hashes and inserts, in its own
transaction, as a state change would) and the verification rate of `audit_verify`.
"""

import time

from _setup import report, setup_django

setup_django()

from certifolio.common.audit import record_event, verify_chain  # noqa: E402

EVENTS = 2000


def main():
    start = time.perf_counter()
    for index in range(EVENTS):
        record_event("bench.event", after={"index": index, "text": "é" * 40})
    append_seconds = time.perf_counter() - start
    start = time.perf_counter()
    chain = verify_chain()
    verify_seconds = time.perf_counter() - start
    assert chain.ok, chain
    report(
        events=EVENTS,
        append_per_s=f"{EVENTS / append_seconds:.0f}",
        append_ms_each=f"{append_seconds * 1000 / EVENTS:.2f}",
        verify_per_s=f"{EVENTS / verify_seconds:.0f}",
    )


if __name__ == "__main__":
    main()
