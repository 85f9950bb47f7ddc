"""The app's screens: the session, the picker, and the modals (questions, quit, note, help)."""
