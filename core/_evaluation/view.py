"""A request-scoped view: one snapshot and one context for a whole request, memoised per flag.

Both framework adapters hand one of these to views and templates (``request.flags`` in
Django, ``current_flags`` in Flask), so a flag cannot flip halfway through rendering a page
and a flag read ten times in a template is evaluated once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Protocol

from .result import EMPTY_MAPPING, ERROR, Evaluation
from .snapshot import Snapshot

log = logging.getLogger("appconfig_core")

ContextSource = Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None


class ContextResolver(Protocol):
    """Answers some flags of a view for its context from elsewhere (the AppConfig Agent).

    `resolve` is called at most once per view, on the first read of a flag `applies` to,
    and must never raise: a flag it leaves out gets the snapshot's answer.
    """

    def applies(self, snapshot: Snapshot, name: str) -> bool:
        """Whether flag ``name`` of ``snapshot`` is answered by `resolve`."""
        ...

    def resolve(self, snapshot: Snapshot, context: Mapping[str, Any]) -> Mapping[str, Evaluation]:
        """The evaluations for ``context`` of the flags it could answer."""
        ...


class Override(Protocol):
    """Replaces the answer of one flag in one view (a tester's QA override).

    `apply` gets the answer the flag would have given, so an override can keep its
    attributes, and must never raise.
    """

    def apply(self, evaluation: Evaluation) -> Evaluation:
        """The answer to give instead of ``evaluation``."""
        ...


class FlagsView:
    """Evaluate flags against a pinned ``snapshot`` and a lazily built ``context``.

    ``context`` may be a mapping or a function returning one; a function is called at most
    once, on the first flag read, so a request that reads no flag builds no context (and
    makes no database query for the user). A context function that raises is logged and
    replaced by an empty context: the request path never raises because of flags.

    An optional ``resolver`` answers some flags for the context from elsewhere, once per
    view (the adapters pass one that asks the AppConfig Agent, see docs/agent.md).
    ``overrides`` replace the answers of the flags they name (see `with_overrides`).
    """

    __slots__ = (
        "_context",
        "_factory",
        "_memo",
        "_overrides",
        "_resolved",
        "_resolver",
        "_snapshot",
    )

    def __init__(
        self,
        snapshot: Snapshot,
        context: ContextSource = None,
        *,
        resolver: ContextResolver | None = None,
        overrides: Mapping[str, Override] | None = None,
    ) -> None:
        self._snapshot = snapshot
        self._memo: dict[str, Evaluation] = {}
        self._resolver = resolver
        self._overrides: Mapping[str, Override] = (
            MappingProxyType(dict(overrides)) if overrides else EMPTY_MAPPING
        )
        self._resolved: Mapping[str, Evaluation] | None = None
        if callable(context):
            self._factory: Callable[[], Mapping[str, Any]] | None = context
            self._context: Mapping[str, Any] | None = None
        else:
            self._factory = None
            self._context = EMPTY_MAPPING if context is None else context

    @property
    def snapshot(self) -> Snapshot:
        """The snapshot every read of this view uses."""
        return self._snapshot

    @property
    def context(self) -> Mapping[str, Any]:
        """The evaluation context, built on first use."""
        if self._context is None:
            self._context = self._build_context()
        return self._context

    def _build_context(self) -> Mapping[str, Any]:
        assert self._factory is not None
        try:
            built = self._factory()
        except Exception:
            log.exception("appconfig-flags: the context function raised; using an empty context")
            return EMPTY_MAPPING
        if not isinstance(built, Mapping):
            log.error(
                "appconfig-flags: the context function returned %s, not a mapping; "
                "using an empty context",
                type(built).__name__,
            )
            return EMPTY_MAPPING
        return built

    def evaluate(self, name: str) -> Evaluation:
        """The evaluation of flag ``name``, computed once per view."""
        evaluation = self._memo.get(name)
        if evaluation is None:
            evaluation = self._answer(name, counted=True)
        return evaluation

    def peek(self, name: str) -> Evaluation:
        """`evaluate` without counting a read in the client's usage: for pages and tools
        that show every flag (the flags page), whose looking is not the application reading."""
        evaluation = self._memo.get(name)
        if evaluation is None:
            evaluation = self._answer(name, counted=False)
        return evaluation

    def _answer(self, name: str, *, counted: bool) -> Evaluation:
        evaluation = None
        if self._resolver is not None and self._resolver.applies(self._snapshot, name):
            evaluation = self._resolve(name)
        if evaluation is None:
            snapshot = self._snapshot
            evaluation = (snapshot.evaluate if counted else snapshot.peek)(name, self.context)
        elif counted:
            self._snapshot.count_read(name)
        override = self._overrides.get(name)
        if override is not None:
            evaluation = override.apply(evaluation)
        self._memo[name] = evaluation
        return evaluation

    def _resolve(self, name: str) -> Evaluation | None:
        if self._resolved is None:
            assert self._resolver is not None
            self._resolved = self._resolver.resolve(self._snapshot, self.context)
        return self._resolved.get(name)

    @property
    def pending_io(self) -> bool:
        """Whether a read could still wait on I/O (the Agent's per-context answer)."""
        if self._resolver is None or self._resolved is not None:
            return False
        resolver, snapshot = self._resolver, self._snapshot
        return any(resolver.applies(snapshot, name) for name in snapshot.flag_names)

    def prefetch(self) -> None:
        """Do now the I/O a later read would do, so that reads made afterwards never wait.

        Async adapters call this in a worker thread before the view runs, so nothing on the
        event loop waits on the Agent: the price is one Agent call for every async request
        while the configuration holds Agent-evaluated flags, read or not.
        """
        if self.pending_io:
            assert self._resolver is not None
            self._resolved = self._resolver.resolve(self._snapshot, self.context)

    def is_enabled(self, name: str, default: bool = False) -> bool:
        """Whether flag ``name`` is on; ``default`` when the flag is missing or failed."""
        evaluation = self.evaluate(name)
        if evaluation.reason == ERROR:
            return default
        return evaluation.enabled

    def value(self, name: str, attribute: str | None = None, default: Any = None) -> Any:
        """An attribute of flag ``name`` (or its value when ``attribute`` is None)."""
        evaluation = self.evaluate(name)
        if evaluation.reason == ERROR:
            return default
        if attribute is None:
            return evaluation.value
        return evaluation.attributes.get(attribute, default)

    def variant(self, name: str) -> str | None:
        """The variant chosen for flag ``name``, if it has variants."""
        return self.evaluate(name).variant

    def enabled_flags(self) -> tuple[str, ...]:
        """The flags on for this view's context, in document order (then the defaults').

        Each is evaluated through the view, so it is memoised and counted like any read.
        """
        return tuple(name for name in self._snapshot.answerable() if self.is_enabled(name))

    def __getitem__(self, name: str) -> bool:
        return self.is_enabled(name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._snapshot.defines(name)

    @property
    def overrides(self) -> Mapping[str, Override]:
        """The flags this view answers from overrides, by name."""
        return self._overrides

    def with_overrides(self, overrides: Mapping[str, Override]) -> FlagsView:
        """A view of the same snapshot, context and resolver with ``overrides`` laid over it.

        The adapters build a request's view first and lay a tester's overrides over it
        only when the request may carry them. Evaluations are not carried over; a context
        already built and the Agent's answer already fetched are.
        """
        context: ContextSource = self._context if self._context is not None else self._factory
        view = FlagsView(
            self._snapshot,
            context,
            resolver=self._resolver,
            overrides={**self._overrides, **overrides},
        )
        view._resolved = self._resolved  # an answer prefetched off the event loop stays valid
        return view

    @property
    def evaluated(self) -> Mapping[str, Evaluation]:
        """The flags read through this view so far, for debugging panels and logs."""
        return MappingProxyType(self._memo)

    def __repr__(self) -> str:
        return f"<FlagsView version={self._snapshot.version!r} evaluated={len(self._memo)}>"
