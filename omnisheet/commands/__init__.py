"""One module per command that is more than a call: the only place that joins reading,
analysis and outputs. The command line (cli.py) parses and hands over."""
