"""The HTML report: its page, and its pressure and trend sections."""
