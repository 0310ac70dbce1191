"""One module per command that does more than check: each runs the check once and works from its result."""
