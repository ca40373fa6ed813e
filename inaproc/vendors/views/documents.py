# Placeholder: the access-checked document view is being written.
from django.http import Http404


def document_view(request, *args, **kwargs):
    raise Http404
