"""The Editors and Reviewers groups.

Editors write terms and sources (with their aliases, citations, see-also
links and redirects); Reviewers can also mark terms reviewed and publish.
Nobody in either group deletes a term or a source: an administrator does.
"""

from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

CHILDREN = ["alias", "citation", "seealso", "oldslug"]
EDITORS = [
    *(f"{action}_{model}" for model in ("term", "source") for action in ("add", "change", "view")),
    *(f"{action}_{model}" for model in CHILDREN for action in ("add", "change", "delete", "view")),
    "view_category",
]
REVIEWERS = [*EDITORS, "review_term", "publish_term"]
GROUPS = {"Editors": EDITORS, "Reviewers": REVIEWERS}


def create_groups(apps, schema_editor):
    # Permissions are made after migrations; this one needs them now.
    app_config = apps.get_app_config("terms")
    app_config.models_module = True
    create_contenttypes(app_config, apps=apps, verbosity=0)
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="terms", codename__in=codenames
        )
        assert permissions.count() == len(codenames), "a permission is missing"
        group.permissions.set(permissions)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("terms", "0005_review_interval_history_permissions"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
