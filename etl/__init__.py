"""State AI Economic Index: the data pipeline (sources -> readers -> marts)."""
