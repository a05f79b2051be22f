"""JSON outputs, each with its JSON Schema beside it."""
