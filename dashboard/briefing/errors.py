"""Errors of the briefing renderer (importable without a browser or Dash)."""


class BriefingError(RuntimeError):
    """A briefing could not be rendered (no browser, data missing, or it overflowed the page)."""
