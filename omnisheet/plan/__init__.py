"""The plan model: typed objects, lookups between them, where things sit in a map tab, the
setting tables, and the plan as JSON and as frames. Uses template/ only."""
