# Placeholder: the registration pages are being written (see vendors/urls.py).
from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


register_view = registered_view = resend_view = kbli_search_view = _todo
confirm_link_view = confirm_view = _todo
