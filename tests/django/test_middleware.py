"""FlagsMiddleware: request.flags through the real middleware stack, sync and async."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.http import HttpRequest, HttpResponse
from django.test import AsyncClient, Client, RequestFactory

from appconfig_core import FlagsView
from django_appconfig.middleware import FlagsMiddleware

from .conftest import FlagsFile, async_get

calls: list[HttpRequest] = []


def staff_header_context(request: HttpRequest) -> dict[str, object]:
    calls.append(request)
    return {"is_staff": request.headers.get("X-Staff") == "yes", "groups": ["beta"]}


class TestSyncRequests:
    def test_request_flags_is_a_pinned_view(self, flags_file: FlagsFile) -> None:
        """Every request gets a FlagsView pinned to the snapshot current when it arrived."""
        seen: list[FlagsView] = []

        def view(request: HttpRequest) -> HttpResponse:
            seen.append(request.flags)  # type: ignore[attr-defined]
            return HttpResponse()

        middleware = FlagsMiddleware(view)
        request = RequestFactory().get("/")
        middleware(request)
        assert isinstance(seen[0], FlagsView)
        flags_file.set_value("new_checkout", enabled=False)
        assert seen[0].is_enabled("new_checkout") is True
        middleware(RequestFactory().get("/"))
        assert seen[1].is_enabled("new_checkout") is False

    @pytest.mark.django_db
    def test_anonymous_user_context(self, flags_file: FlagsFile, client: Client) -> None:
        """An anonymous visitor gets the default user context and the fallback variant."""
        body = client.get("/context/").json()
        assert body["vip"] is False
        assert body["context_keys"] == [
            "groups",
            "is_authenticated",
            "is_staff",
            "targeting_key",
            "user_id",
            "visitor_id",
        ]

    @pytest.mark.django_db
    def test_staff_user_is_targeted(self, flags_file: FlagsFile, client: Client) -> None:
        """A signed-in staff user matches the rule on ``$is_staff``."""
        user = User.objects.create_user("ann", is_staff=True)
        client.force_login(user)
        assert client.get("/context/").json()["vip"] is True

    @pytest.mark.django_db
    def test_groups_reach_the_rules(self, flags_file: FlagsFile, client: Client) -> None:
        """The user's group names are in the context, so ``contains $groups`` rules match."""
        user = User.objects.create_user("bob", is_staff=True)
        user.groups.add(Group.objects.create(name="beta"))
        client.force_login(user)
        response = client.get("/page/")
        assert response.wsgi_request.flags.variant("vip") == "beta-staff"  # type: ignore[attr-defined]

    def test_context_setting_builds_the_context_once(
        self, flags_file: FlagsFile, client: Client, settings: object
    ) -> None:
        """A CONTEXT function decides the targeting; it is called once, on a request's first read."""
        settings.APPCONFIG = {  # type: ignore[attr-defined]
            **settings.APPCONFIG,  # type: ignore[attr-defined]
            "CONTEXT": f"{__name__}.staff_header_context",
        }
        calls.clear()
        response = client.get("/context/", headers={"X-Staff": "yes"})
        assert response.json()["vip"] is True
        assert response.json()["context_keys"] == ["groups", "is_staff"]
        assert calls == [response.wsgi_request]
        assert client.get("/context/").json()["vip"] is False
        client.get("/health/flags")
        assert len(calls) == 2, "a request that reads no flag builds no context"

    @pytest.mark.django_db
    def test_no_query_unless_a_flag_needs_the_user(
        self, flags_file: FlagsFile, client: Client, django_assert_num_queries: object
    ) -> None:
        """A signed-in request that reads only context-free flags runs no user or session query."""
        client.force_login(User.objects.create_user("cid"))
        with django_assert_num_queries(0):  # type: ignore[operator]
            client.get("/checkout/")


class TestAsyncRequests:
    @pytest.mark.django_db
    def test_async_view_reads_flags(self, flags_file: FlagsFile) -> None:
        """An async view gets request.flags from the middleware in async mode."""
        response = async_get(AsyncClient(), "/async/")
        assert response.json() == {"new_checkout": True, "vip": False}

    @pytest.mark.django_db
    def test_async_view_targets_signed_in_staff(self, flags_file: FlagsFile) -> None:
        """In async mode the user is resolved outside the event loop, so targeting works."""
        client = AsyncClient()
        client.force_login(User.objects.create_user("dee", is_staff=True))
        response = async_get(client, "/async/")
        assert response.json() == {"new_checkout": True, "vip": True}

    def test_middleware_declares_both_modes(self) -> None:
        """Django may run the middleware in either mode without an adapter."""
        assert FlagsMiddleware.sync_capable
        assert FlagsMiddleware.async_capable
