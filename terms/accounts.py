"""Editor accounts: staff users in the Editors or Reviewers group."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password

EDITORS, REVIEWERS = "Editors", "Reviewers"


def create_editor(username: str, email: str, password: str, *, reviewer: bool):
    """A staff account that can use the admin as an editor (or a reviewer).

    Raises django.core.exceptions.ValidationError for a weak password.
    """
    user = get_user_model()(username=username, email=email, is_staff=True)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=REVIEWERS if reviewer else EDITORS))
    return user
