"""boto3 adapters, one module per service: the only place boto3 is imported."""
