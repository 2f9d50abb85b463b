"""Readers: one module per upstream format, each returning a tidy, typed, validated table."""
