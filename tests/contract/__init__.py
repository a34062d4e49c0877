"""batchkit against the real thing: botocore's models and parsers, moto, real HTTP, pinned
internals."""
