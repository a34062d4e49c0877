"""The spec layer: what AWS's responses are, as Python types -- the lowest layer.

Here live the models generated from botocore's service model (``models/``, one module per
operation, with the hand-written ``models/mixins.py`` for properties), the operations table
(``operations.py``, generated from ``SPECS`` in ``codegen.py``: each operation's wire names,
token and limit members, page sizes, item model) and its row type (``row.py``), the model
base (``base.py``: frozen models, open enums, epoch-millisecond times), ``time.py``, and
``display.py`` (what any model looks like: flat columns, HTML, DataFrames).
``python -m batchkit._spec.codegen`` regenerates the generated files.

May import: nothing of batchkit above it (``batchkit.models``, the spec's generated public
home, and ``batchkit._exports`` count as this layer and below).
"""
