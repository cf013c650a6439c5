from django.apps import AppConfig
from django.db.backends.signals import connection_created


class TermsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "terms"
    verbose_name = "glossary"

    def ready(self):
        from .folding import register_sqlite_functions

        connection_created.connect(register_sqlite_functions)
