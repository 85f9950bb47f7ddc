"""Action drivers, one module per AWS service. Each module exports `DRIVERS`, a mapping of
action name to driver class (see tui/aws/cloud.py)."""
