"""The app's widgets, one per file: the session screen's, and the question modal's choices."""
