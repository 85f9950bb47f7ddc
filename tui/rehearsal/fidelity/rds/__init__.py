"""RDS extensions: Blue/Green deployments that provision, replicate and switch over."""
