"""ECS extensions: service rollouts with the deployment circuit breaker, and their tasks."""
