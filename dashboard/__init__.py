"""State AI Economic Index: the Dash web app."""
