"""Errors that the command line turns into a one-line message and exit status 2."""


class UsageError(ValueError):
    """Bad input from a user: an unknown claim, an impossible parameter, a missing backend.

    The message is one line that names the problem and the valid choices.
    """
