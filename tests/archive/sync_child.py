"""The SIGKILL test's child: ``python -m tests.archive.sync_child DB ROUND JOBS`` syncs the
kill tests' account of JOBS jobs as it is at ``ROUND`` into the SQLite archive DB, printing
a line after each batch it writes (the parent kills it after a random number of lines)."""

from __future__ import annotations

import sys

from batchkit.archive import Archive
from tests.archive.helpers import build


def main() -> int:
    path, round_, jobs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    fake, clock = build(round_, jobs)
    fake.set_latency(0.001)  # the parent's kill lands anywhere between two requests
    with Archive(f"sqlite:///{path}", clock=clock) as archive:

        def tell(queue: str, report: object) -> None:
            print(queue, flush=True)

        archive.sync(fake.batch_client(), progress=tell)
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
