"""Import and export of the registry (filled in by the import work)."""

from django.http import Http404


def registry_import(request):
    raise Http404


def registry_template(request, fmt):
    raise Http404


def registry_export(request, fmt):
    raise Http404
