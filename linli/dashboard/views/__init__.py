"""The dashboard's pages, one module per part: overview (figures and charts), assessment (rankings and 考核),
reports (PDF/XLSX downloads). Each module has ``urlpatterns`` and ``ready()``."""
