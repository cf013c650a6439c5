"""Which of a term's fields an editor may change: one table that the admin
and the API both enforce, whatever a crafted request posts."""

from collections.abc import Iterable

# A field only some editors may change: the permission it needs, and why not.
RESTRICTED = {
    "status": ("terms.publish_term", "Only reviewers publish or unpublish."),
    "last_reviewed": ("terms.review_term", "Only reviewers record reviews."),
    "mark_reviewed": ("terms.review_term", "Only reviewers mark terms as reviewed."),
}


def may_change(user, field: str) -> bool:
    permission, _ = RESTRICTED.get(field, (None, ""))
    return permission is None or user.has_perm(permission)


def refused_changes(user, changed: Iterable[str]) -> dict[str, list[str]]:
    """The changed fields this user may not change, each with the reason."""
    return {
        field: [RESTRICTED[field][1]]
        for field in changed
        if not may_change(user, field)
    }
