"""Marts: the joined, documented tables the dashboard, downloads and briefings read."""
