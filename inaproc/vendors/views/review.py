# Placeholder: the verification queue is being written.
from django.http import Http404


def queue_view(request, *args, **kwargs):
    raise Http404


review_view = queue_view
