"""The package's exceptions: one root, narrow subclasses that carry the data a caller needs.

Kept in a module of its own so that every other module can import it without cycles.
"""

from __future__ import annotations

#: ``(location, message)`` pairs, as `DocumentError` carries them.
Problems = list[tuple[str, str]]


class AppConfigFlagsError(Exception):
    """Root of every exception this package raises on purpose."""


class ConfigurationError(AppConfigFlagsError, ValueError):
    """A constructor argument or a setting is wrong; the message says what to change."""


class DocumentError(AppConfigFlagsError, ValueError):
    """A configuration document cannot be used: bad syntax, bad schema, bad rule.

    ``problems`` lists every problem found as ``(location, message)`` pairs, so a CLI or a
    check can print each on its own line; ``str(error)`` joins them.
    """

    def __init__(self, problems: Problems | str, *, location: str = "") -> None:
        if isinstance(problems, str):
            problems = [(location, problems)]
        self.problems: Problems = problems
        #: What to try when the problems come from guessing the format (``format="auto"``).
        self.hint: str | None = None
        super().__init__("; ".join(f"{loc}: {msg}" if loc else msg for loc, msg in problems))


class RuleSyntaxError(DocumentError):
    """A rule in AppConfig's rule language does not parse.

    ``position`` is the 0-based character offset in ``rule`` where parsing failed.
    """

    def __init__(self, message: str, *, rule: str, position: int, location: str = "") -> None:
        self.rule = rule
        self.position = position
        self.reason = message
        super().__init__(f"{message} at character {position}", location=location)


class FetchError(AppConfigFlagsError):
    """A source could not fetch its configuration; ``original_error`` holds the cause.

    ``retry_after`` is the wait in seconds the source asks for before the next try, when it
    knows better than the poller's backoff (a "too early" answer, a missing resource).
    """

    def __init__(
        self,
        message: str,
        *,
        original_error: BaseException | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.original_error = original_error
        self.retry_after = retry_after
        super().__init__(message)


class ResourceNotFoundError(FetchError, LookupError):
    """AppConfig does not know the application, environment, profile or deployment named.

    ``resource_type`` is AppConfig's word for what is missing (``Application``,
    ``Environment``, ``ConfigurationProfile``, ``Deployment`` or ``Configuration``).
    """

    def __init__(
        self,
        message: str,
        *,
        resource_type: str | None = None,
        original_error: BaseException | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.resource_type = resource_type
        super().__init__(message, original_error=original_error, retry_after=retry_after)


class UnknownFlagError(AppConfigFlagsError, LookupError):
    """Strict mode: code read or forced a flag the loaded document does not define.

    ``name`` is the flag asked for, ``version`` the document's version, ``suggestions`` the
    closest names the document (or ``defaults``) does define, best first.
    """

    def __init__(
        self, name: str, *, version: str | None = None, suggestions: tuple[str, ...] = ()
    ) -> None:
        self.name = name
        self.version = version
        self.suggestions = suggestions
        hint = f"; did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(
            f"flag {name!r} is not defined in version {version or '-'} of the document"
            f"{hint} (strict mode: fix the name, or declare the flag in the document or in"
            " the defaults)"
        )


__all__ = [
    "AppConfigFlagsError",
    "ConfigurationError",
    "DocumentError",
    "FetchError",
    "ResourceNotFoundError",
    "RuleSyntaxError",
    "UnknownFlagError",
]
