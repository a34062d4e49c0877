"""The one version string: read by hatch (the distribution's version), ``batchkit.__version__``
and the user agent batchkit adds to its requests."""

__version__ = "0.2.0"
