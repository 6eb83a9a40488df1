"""Warnings the client gives once, where silence would look like flags turned off."""

from __future__ import annotations

import logging

from appconfig_core._formats.retrieval import variant_flags

from .cache import DiskCache
from .events import ChangeEvent

log = logging.getLogger("appconfig_core")


def warn_serving_defaults(
    source: str, answered: bool, waited: float, cache: DiskCache | None
) -> None:
    """Say that `start` returned with code defaults: requests would otherwise look flagless."""
    why = "gave no usable document" if answered else "did not answer"
    copy = (
        "no cache_path is set"
        if cache is None
        else f"the cache file {cache.path} holds no usable copy"
    )
    log.warning(
        "appconfig-flags: %s %s within %.1fs and %s; serving the defaults until a document loads",
        source,
        why,
        waited,
        copy,
    )


class UnevaluatedVariants:
    """A change listener that says once per version that targeted flags answer one variant.

    A FeatureFlags profile read through AppConfigData (or a file of its answer) holds the
    variant AppConfig chose for an empty context, not the rules; nothing else shows it.
    """

    def __init__(self, source: str) -> None:
        self._source = source
        self._announced: str | None = None

    def __call__(self, event: ChangeEvent) -> None:
        names = variant_flags(event.new.document)
        if not names or event.new.version == self._announced:
            return
        self._announced = event.new.version
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        log.warning(
            "appconfig-flags: version %s from %s has %d flag(s) with variants (%s) whose rules"
            " it does not carry: every request gets the variant AppConfig chose. Read the"
            " profile through the AppConfig Agent (source agent) to evaluate them per request,"
            " or serve the stored form (version, flags, values) to evaluate them here",
            event.new.version,
            self._source,
            len(names),
            shown,
        )
