"""Work-order pages (filled in next)."""

from django.http import Http404


def inbox(request):
    raise Http404


def mine(request):
    raise Http404
