"""The names and fixed ids of the rehearsal world: the contract the shipped runbooks' defaults
follow (docs/rehearsal-world.md), so every shipped runbook rehearses unchanged."""

from __future__ import annotations

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account
ZONES = ("us-east-1a", "us-east-1b")

# No AWS API lets a caller choose an AMI id, so the world registers these two itself.
AMI_WEB_V1 = "ami-0000000000000b001"
AMI_WEB_V2 = "ami-0000000000000b002"

VPC_NAME = "turnout-rehearsal"
WEB_LT, WEB_GREEN_LT, BATCH_LT = "web-lt", "web-green-lt", "batch-lt"
WEB_ASG, WEB_GREEN_ASG, BATCH_ASG = "web-asg", "web-green-asg", "batch-asg"
ALB = "web-alb"
TG_BLUE, TG_GREEN = "web-blue", "web-green"
DEREGISTRATION_DELAY = 30
HOSTED_ZONE = "shop.example.com."
APP_RECORD, DB_RECORD = "app.shop.example.com.", "db.shop.example.com."
DB_INSTANCE = "orders-db"
BLUE_GREEN = "orders-bgd"
INVENTORY_DB = "inventory-db"
INVENTORY_BLUE_GREEN = "inventory-bgd"  # created by multi-service.yaml, not seeded
INVENTORY_RECORD = "inventory-db.shop.example.com."
ECS_CLUSTER, ECS_SERVICE, ECS_FAMILY = "shop", "api", "api"
WORKER_SERVICE, WORKER_FAMILY = "worker", "worker"
REPORTS_INSTANCE = "reports-1"
ONCALL_TOPIC = "turnout-oncall"
LEASE_TABLE = "turnout-leases"  # the DynamoDB lock table rehearsals lease their targets in
AUDIT_LOG_GROUP = "turnout-audit"  # CloudWatch Logs: a runbook's `audit: {cloudwatch_logs: ...}`
AUDIT_BUCKET = "turnout-audit"  # S3, Object Lock on: a runbook's `audit: {s3: ...}`
APP_HOST = "app.shop.example.com"
