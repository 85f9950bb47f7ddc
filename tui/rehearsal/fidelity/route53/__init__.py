"""Route 53 extensions: changes that propagate on the world's clock, and record weights checked."""
