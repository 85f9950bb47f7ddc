"""The runbook language: model, YAML loader with FILE:LINE:COL errors, dependency order, schema.
Pure: no I/O but reading files.
"""
