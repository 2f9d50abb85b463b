"""Harmonising steps: one per source family, from staging tables to tidy, documented tables."""
