"""Reading a workbook into a Plan: vetting the file first (safety), its cells, recognising
its tabs, formulas, and mending what Excel or LibreOffice would open. Uses plan/ and below."""
