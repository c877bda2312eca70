"""pyrite: SQLite rewritten in pure Python."""
