"""Elastic Load Balancing v2 extensions: target health that follows the world's clock."""
