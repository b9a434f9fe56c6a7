"""Domain errors. Every message is Chinese and is shown to the user as it is."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken; ``str(err)`` is a message for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(DomainError):
    """Input that cannot be saved. ``field`` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None,
                 problems: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.problems: dict[str, str] = dict(problems or {})
        if field and field not in self.problems:
            self.problems[field] = message


class NotFoundError(DomainError):
    """The record the user asked for does not exist (any more)."""


class DatabaseError(DomainError):
    """The database cannot be used as asked; the message says why and what to do."""


class DatabaseInUseError(DatabaseError):
    """Another copy of the program holds the database."""


class DatabaseTooNewError(DatabaseError):
    """The file was written by a newer version of the program."""


class DatabaseDamagedError(DatabaseError):
    """The file failed SQLite's integrity checks."""

    def __init__(self, message: str, path: str | None = None, moved_to: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.moved_to = moved_to


class PermissionDenied(DomainError):
    """The signed-in user may not do this (or nobody is signed in)."""


class SignInError(DomainError):
    """Wrong user name or password, a disabled account, or too many failed tries."""
