from django.http import Http404


def division_list(request):
    raise Http404


estate_list = estate_detail = stewardship_new = building_homes = coverage_page = division_list
