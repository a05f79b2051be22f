"""What omnisheet concludes from a plan: the checks, scores, measures, readiness, roadmap,
contact pressure, consent, the report and the diff of two plans. Pure: reads no file."""
