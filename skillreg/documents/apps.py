from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "skillreg.documents"
    label = "documents"
