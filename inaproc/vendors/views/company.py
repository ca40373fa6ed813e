# Placeholder: the vendor's company page is being written.
from django.http import Http404


def company_view(request, *args, **kwargs):
    raise Http404
