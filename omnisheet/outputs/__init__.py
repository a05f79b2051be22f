"""What omnisheet writes: text, HTML, JSON schemas, the workbook, CSV. Each takes the plan
and its analysis and renders them; none decides anything."""
