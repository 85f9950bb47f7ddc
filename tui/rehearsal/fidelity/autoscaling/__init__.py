"""Auto Scaling extensions: instance refresh, launches from launch templates, mixed instances."""
