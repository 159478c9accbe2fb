"""Verbs that apply the domain rules to models. They take the actor as an argument, flush,
and never commit: the request (or CLI command) commits once."""


class ServiceError(Exception):
    """A refusal with a message meant for the user (a lazy translatable string)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class PermissionDenied(ServiceError):
    """The actor may not do this here."""
