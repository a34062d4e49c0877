# The names of pyarrow.parquet that batchkit uses: see stubs/README.md.
import os
from typing import Any

from pyarrow import Table

def write_table(
    table: Table,
    where: str | os.PathLike[str],
    row_group_size: int | None = None,
    version: str = "2.6",
    use_dictionary: bool = True,
    compression: str | None = "snappy",
    **kwargs: Any,
) -> None: ...
