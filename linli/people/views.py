from django.http import Http404


def person_list(request):
    raise Http404


person_detail = person_list
