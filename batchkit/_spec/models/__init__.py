"""The generated models (one module per operation: ``python -m batchkit._spec.codegen``) and
their hand-written ``mixins``; ``index`` says which module defines each class, ``all``
imports every one (for type checkers).  Read them through ``batchkit.models``."""
