"""The results history (SQLite) that every run records into and reports read."""
