"""The session screen's widgets, one per file."""
