"""Data-quality suites over the facts: the rules a correct disclosure obeys (see README)."""
