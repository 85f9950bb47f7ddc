"""The append-only, hash-chained session log: write, verify, report, resume state. No AWS, no UI."""
