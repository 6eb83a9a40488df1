"""Views reading flags in each way the scanner knows; the line numbers are asserted."""

from django.http import HttpRequest, HttpResponse
from django.views import View

from django_appconfig import flags_for, get_client
from django_appconfig.decorators import flag_required
from django_appconfig.mixins import FlagRequiredMixin

# beta_search is named in this comment and in the string below, which read no flag.
NOT_A_READ = "beta_search"


@flag_required("gift_cards")
def gift_cards(request: HttpRequest) -> HttpResponse:
    if flags_for(request).is_enabled("new_chekout"):
        return HttpResponse("typo")
    return HttpResponse(request.flags["promo_banner"])  # type: ignore[attr-defined]


class SearchView(FlagRequiredMixin, View):
    flag_name = "legacy_search"


def vip(request: HttpRequest, name: str) -> HttpResponse:
    variant = get_client().evaluate("vip").variant
    computed = flags_for(request).is_enabled(name)
    return HttpResponse(f"{variant} {computed}")
