import getpass
import os

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.base import CommandError
from django.utils.text import capfirst

from terms.accounts import create_editor
from terms.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create an admin account in the Editors group (or Reviewers, who can "
        "also mark terms reviewed and publish). The password is asked for, or "
        "read from GLOSSARY_EDITOR_PASSWORD with --no-input."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--reviewer", action="store_true")
        parser.add_argument("--no-input", action="store_false", dest="interactive")

    def handle(self, *args, username, email, reviewer, interactive, **options):
        password = self.password(interactive)
        try:
            user = create_editor(username, email, password, reviewer=reviewer)
        except ValidationError as error:
            raise CommandError(problems(error)) from error
        role = "reviewer" if reviewer else "editor"
        self.stdout.write(self.style.SUCCESS(f"Created {role} {user.username}."))

    def password(self, interactive: bool) -> str:
        if not interactive:
            if password := os.environ.get("GLOSSARY_EDITOR_PASSWORD"):
                return password
            raise CommandError("Set GLOSSARY_EDITOR_PASSWORD to use --no-input.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return password


def problems(error: ValidationError) -> str:
    """Each problem on a line of its own, in the order of the user model's
    fields. The password's need no field name: their heading or their
    message says it."""
    found = error.message_dict
    if list(found) == ["password"]:
        lines = found["password"]
        return "\n".join(["The password is not acceptable:", *bullets(lines)])
    fields = [f for f in get_user_model()._meta.fields if f.name in found]
    lines = [
        message if f.name == "password" else f"{capfirst(f.verbose_name)}: {message}"
        for f in fields
        for message in found[f.name]
    ] + found.get(NON_FIELD_ERRORS, [])
    return "\n".join(["The account was not created:", *bullets(lines)])


def bullets(lines: list[str]) -> list[str]:
    return [f"  - {line}" for line in lines]
