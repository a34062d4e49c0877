"""``python -m batchkit``: say what this install provides."""

from __future__ import annotations

import sys

from batchkit import BOTOCORE_VERSION, __version__
from batchkit._generated_models import SHAPES


def main(argv: list[str] | None = None) -> int:
    print(f"batchkit {__version__}: models generated from botocore {BOTOCORE_VERSION}")
    for (service, shape), cls in sorted(SHAPES.items()):
        print(f"  {service:<10} {shape:<40} -> batchkit.models.{cls.__name__}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
