"""One-page state briefings (US Letter, PDF and PNG) for legislators."""
