"""The session state machine: drives a runbook through an Operator and a Cloud, watching
guardrails and rolling back. No Textual, no boto3.
"""
