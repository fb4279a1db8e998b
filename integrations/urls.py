from django.urls import path

from integrations.datasets import views as dataset_views
from integrations.fhir import queries, views

urlpatterns = [
    path("fhir/metadata", views.metadata_view, name="fhir-metadata"),
    path("fhir/openapi.json", views.openapi_view, name="fhir-openapi"),
    path("datasets/", dataset_views.index, name="dataset-index"),
    path("datasets/<int:year>/<int:month>/cosd.csv", dataset_views.export_csv, name="dataset-cosd-csv"),
    path("datasets/<int:year>/<int:month>/quality/", dataset_views.quality, name="dataset-quality"),
]
for _name in queries.RESOURCE_TYPES:
    urlpatterns += [
        path(f"fhir/{_name}", views.search_view, {"resource_type": _name}, name=f"fhir-{_name.lower()}-search"),
        path(
            f"fhir/{_name}/<str:resource_id>", views.read_view, {"resource_type": _name}, name=f"fhir-{_name.lower()}"
        ),
    ]
