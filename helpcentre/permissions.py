"""Who does what in the help centre.

READ: everyone, signed in or not, reads published articles; drafts and unpublished articles only editors.
EDIT: members of the help centre editors' group (``helpcentre.change_article``) write drafts in the admin;
those who also hold ``helpcentre.publish_article`` publish them. The group is made by a migration.
VOTE: anyone who may read an article, once per account or (for visitors) once per browser session.
"""

from accounts.models import User

EDITORS_GROUP = "help_centre_editor"


def may_edit_articles(user: User | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm("helpcentre.change_article")
    )


def may_publish_articles(user: User | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm("helpcentre.publish_article")
    )


def may_read_drafts(user: User | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm("helpcentre.view_article")
    )
