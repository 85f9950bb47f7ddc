"""The Textual front end: an Operator over the engine."""
