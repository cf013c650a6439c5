from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.backends.signals import connection_created


class TermsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "terms"
    verbose_name = "glossary"

    def ready(self):
        from .folding import register_sqlite_functions

        connection_created.connect(register_sqlite_functions)


class GlossaryAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the glossary's admin site (its front page
    shows the review workload)."""

    default = False
    default_site = "terms.admin_site.GlossaryAdminSite"
