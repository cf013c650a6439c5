from django.apps import AppConfig


class TermsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "terms"
    verbose_name = "glossary"
