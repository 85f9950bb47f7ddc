"""EC2 extensions: instance status checks, and Elastic IPs that move between instances."""
