"""The project itself: layers, public API, docs and examples that run, benchmarks, memory."""
