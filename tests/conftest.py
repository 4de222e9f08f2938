"""Shared test setup: this folder on sys.path, so tests in sub-folders can import notes_example."""
