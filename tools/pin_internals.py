"""Show and record the botocore/aiobotocore internals batchkit pins (tests/botocore_internals.json).

``python tools/pin_internals.py`` prints each pinned object with the SHA-1 of its source in the
installed botocore (and aiobotocore, when installed) and whether that version is accepted;
it exits 1 if any pinned object changed or is gone.  ``tests/contract/test_botocore_internals.py``
makes the same check (and the shape checks), and says what to re-check for each.

After checking that batchkit still works with a changed object (its note in the table says
where batchkit uses it and what to look at), accept the installed version:

    python tools/pin_internals.py --record botocore.retries.bucket.Clock
    python tools/pin_internals.py --record              # every changed object
    python tools/pin_internals.py --record NAME --replace  # drop the other versions' hashes

Run it in each environment batchkit supports (``constraints.txt`` and
``constraints-async.txt``: aiobotocore's older botocore): each version found is added.
A new pin is a new entry in the JSON file (``where``, ``check``, empty ``sha1``), then
``--record NAME``.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import sys
from pathlib import Path

import botocore

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.contract.test_botocore_internals import (
    HAS_AIO,
    TABLE_PATH,
    digest,
    load_table,
    needs_aio,
    save_table,
    version_label,
    where_defined,
)


def aiobotocore_version() -> str:
    return importlib.metadata.version("aiobotocore")


def status(name: str, accepted: dict[str, str]) -> tuple[str, str | None, str]:
    """(``ok``/``CHANGED``/``GONE``/``skipped``, the installed version's digest, why)."""
    if needs_aio(name) and not HAS_AIO:
        return "skipped", None, "aiobotocore is not installed"
    try:
        found = digest(name)
    except (ImportError, AttributeError) as error:
        return "GONE", None, f"{type(error).__name__}: {error}"
    if found in accepted:
        return "ok", found, ""
    return "CHANGED", found, f"source: {where_defined(name)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--record",
        nargs="*",
        metavar="NAME",
        help="accept the installed version of NAME (none given: of every changed object)",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="with --record: keep only the installed version's hash",
    )
    args = parser.parse_args(argv)
    pins = load_table()
    if args.record:
        unknown = sorted(set(args.record) - set(pins))
        if unknown:
            parser.error(f"not in {TABLE_PATH.name}: {', '.join(unknown)}")

    installed = f"botocore {botocore.__version__}"
    installed += f", aiobotocore {aiobotocore_version()}" if HAS_AIO else " (no aiobotocore)"
    print(f"{TABLE_PATH.name} against {installed}")
    bad = 0
    recorded = 0
    for name, pin in pins.items():
        state, found, why = status(name, pin.sha1)
        chosen = args.record is not None and (not args.record or name in args.record)
        if chosen and found is not None:
            labels = [part for part in pin.sha1.get(found, "").split("; ") if part]
            if version_label(name) not in labels:
                labels.append(version_label(name))
            if args.replace:
                pin.sha1.clear()
            pin.sha1[found] = "; ".join(labels)
            if state != "ok" or args.replace:
                recorded += 1
                state = "recorded"
        if state not in ("ok", "skipped", "recorded"):
            bad += 1
        print(f"{state:<9} {found or '-':<40}  {name}")
        if state in ("CHANGED", "GONE"):
            for line in (why, f"uses: {pin.where}", f"check: {pin.check}"):
                print(f"{'':<52}{line}")
    if args.record is not None:
        save_table(pins)
        print(f"recorded {recorded} version(s) in {TABLE_PATH}")
    if bad:
        print(
            f"{bad} pinned object(s) changed or gone: check each (see its note), then "
            "python tools/pin_internals.py --record NAME"
        )
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
