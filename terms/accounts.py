"""Editor accounts: staff users in the Editors or Reviewers group."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

EDITORS, REVIEWERS = "Editors", "Reviewers"


def create_editor(username: str, email: str, password: str, *, reviewer: bool):
    """A staff account that can use the admin as an editor (or a reviewer).

    Raises django.core.exceptions.ValidationError, by field, with every
    problem: a weak password, a username taken, an email address that is not
    one. Nothing is saved then.
    """
    user = get_user_model()(username=username, email=email, is_staff=True)
    problems = {}
    try:
        validate_password(password, user)
    except ValidationError as error:
        problems["password"] = error.error_list
    user.set_password(password)
    try:
        user.full_clean()
    except ValidationError as error:
        problems |= error.error_dict
    if problems:
        raise ValidationError(problems)
    user.save()
    user.groups.add(Group.objects.get(name=REVIEWERS if reviewer else EDITORS))
    return user
