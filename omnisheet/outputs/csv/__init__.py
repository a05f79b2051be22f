"""CSV exports of a plan."""
