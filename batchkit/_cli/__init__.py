"""The ``batchkit`` command (click + rich), the top layer: ``app`` (the group, global
options, ``main``), ``base`` (settings, error lines, exit codes), ``params`` (option
types), ``output`` (columns and formats, printed safely), the commands (``listing``,
``following``, ``archive``), ``demo`` and ``watch_view``.

May import: everything below it, the faces included (``batchkit.testing`` for ``--fake``).
"""
