"""The default evaluation context built from ``request.user``."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.test import RequestFactory

from appconfig_core.integration import is_visitor_id
from django_appconfig._context import UserContext, user_context

pytestmark = pytest.mark.django_db


def context_of(user: Any) -> UserContext:
    request = RequestFactory().get("/")
    if user is not None:
        request.user = user
    return user_context(request)


class TestUserContext:
    def test_signed_in_user(self) -> None:
        """A signed-in user gives its primary key, staff flag and sorted group names."""
        user = User.objects.create_user("eve", is_staff=True)
        user.groups.add(Group.objects.create(name="beta"), Group.objects.create(name="alpha"))
        assert dict(context_of(user)) == {
            "user_id": user.pk,
            "is_authenticated": True,
            "is_staff": True,
            "groups": ["alpha", "beta"],
            "visitor_id": None,
            "targeting_key": user.pk,
        }

    @pytest.mark.parametrize(
        "user", [AnonymousUser(), None], ids=["anonymous", "no-auth-middleware"]
    )
    def test_anonymous(self, user: Any) -> None:
        """An anonymous visitor, or a request with no ``user`` at all, is known by a visitor key only."""
        context = dict(context_of(user))
        visitor = context.pop("visitor_id")
        assert is_visitor_id(visitor)
        assert context == {
            "user_id": None,
            "is_authenticated": False,
            "is_staff": False,
            "groups": [],
            "targeting_key": visitor,
        }

    def test_non_scalar_primary_key_is_a_string(self) -> None:
        """A primary key that is not an int or str (a UUID, say) is given as its string."""

        class UuidUser:
            is_authenticated = True
            pk = object()

        user = UuidUser()
        assert context_of(user)["user_id"] == str(user.pk)

    def test_each_key_costs_its_own_query_once(self, django_assert_num_queries: Any) -> None:
        """Reading ``is_staff`` runs no query; ``groups`` runs one, the first time only."""
        user = User.objects.create_user("fay")
        context = context_of(User.objects.get(pk=user.pk))
        with django_assert_num_queries(0):
            assert context["is_staff"] is False
        with django_assert_num_queries(1):
            assert context["groups"] == []
            assert context["groups"] == []

    def test_one_context_per_request(self) -> None:
        """The context is made once per request, so its computed values are shared."""
        request = RequestFactory().get("/")
        assert user_context(request) is user_context(request)

    def test_unknown_key(self) -> None:
        """Keys other than the six are missing, as in a dict."""
        context = context_of(None)
        assert context.get("email") is None
        with pytest.raises(KeyError):
            context["email"]
