"""CloudWatch extensions: the metric store (timestamps, percentiles, metric math) and alarms."""
