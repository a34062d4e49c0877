"""The ``batchkit`` command: its commands, output formats, safety of what it prints, the demo."""
