"""Rules of the trade in plain Python: no Flask, no database session, "now" always an argument."""
