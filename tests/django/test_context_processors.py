"""The ``flags`` context processor."""

from __future__ import annotations

from django.test import RequestFactory

from appconfig_core import FlagsView
from django_appconfig.context_processors import flags

from .conftest import FlagsFile


class TestFlagsProcessor:
    def test_exposes_the_request_view(self, flags_file: FlagsFile) -> None:
        """``flags`` is the request's view, created and pinned on first use without middleware."""
        request = RequestFactory().get("/")
        exposed = flags(request)["flags"]
        assert exposed["new_checkout"] is True
        assert isinstance(request.flags, FlagsView)  # type: ignore[attr-defined]
        assert exposed.snapshot is request.flags.snapshot  # type: ignore[attr-defined]

    def test_is_lazy(self, flags_file: FlagsFile) -> None:
        """A template that never reads ``flags`` costs no view."""
        request = RequestFactory().get("/")
        flags(request)
        assert not hasattr(request, "flags")
