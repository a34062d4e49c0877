"""The sans-I/O rules and the models: planning, statuses, tokens, time, display, redaction,
validation."""
