"""Service Quotas extensions: EC2's On-Demand vCPU quota, which moto lacks."""
