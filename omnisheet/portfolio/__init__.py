"""A portfolio of plans: many plans checked at once, in parallel, and compared.

A group rarely has one plan: each brand, country or region fills its own copy, and head
office wants them side by side. The flow is the single plan's, many times over:

    files.find_plans(paths)  → the plans to check (lock files and omnisheet's own outputs
                                left out, and said)
    workers.check_all(tasks) → each plan read, checked (and its outputs written) in a
                                worker process, which hands back a small `PlanSummary`
    compare.compare(...)     → the comparison (pure): readiness per plan and per figure,
                                recurring frictions, recurring use cases, blocking data
                                sources, measures, and how the plans' lists differ
    text / json_report / html / workbook → the outputs, rendered from that comparison

The parent process holds only the summaries, never a Plan or a Report.
"""
