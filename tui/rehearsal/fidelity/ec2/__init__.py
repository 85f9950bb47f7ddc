"""EC2 extensions: instance status checks."""
