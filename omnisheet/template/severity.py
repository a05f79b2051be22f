"""How serious a finding is. A module of its own so that listing the checks
(`omnisheet checks`) needs neither the data model nor the template's definition."""

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)
RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}  # error 0, the worst
