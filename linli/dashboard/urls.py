from linli.dashboard.views import assessment, estates, gallery, overview, reports

app_name = "dashboard"
urlpatterns = (overview.urlpatterns + estates.urlpatterns + assessment.urlpatterns + reports.urlpatterns
               + gallery.urlpatterns)
