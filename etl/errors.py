"""The one base class of the failures a user can fix (bad input, network, missing data).

The command line prints these as one clear message and exits 1; anything else is a bug and
keeps its traceback. This module imports nothing heavy, so the CLI can catch errors of
steps whose modules it has not loaded yet.
"""


class UserFacingError(Exception):
    """A failure explained to the user: what went wrong, where, and how to fix it."""
