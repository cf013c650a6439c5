import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

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
            raise CommandError("; ".join(error.messages)) from error
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
