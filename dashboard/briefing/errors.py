"""Errors of the briefing renderer (importable without a browser or Dash)."""

from etl.errors import UserFacingError


class BriefingError(UserFacingError, RuntimeError):
    """A briefing could not be rendered (no browser, data missing, or it overflowed the page)."""
