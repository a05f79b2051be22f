"""Plain-text reports for the terminal: one plan's findings, a diff."""
