"""People: users with e-mail log-in, the departments staff work in, and parents' guardianship of learners."""

from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from core.models import LocalizedName
from core.validators import validate_no_bidi_controls
from privacy.fields import BlindIndexField, EncryptedDateField, EncryptedTextField

from .roles import STAFF_ROLES, Role
from .validators import normalize_cn_mobile, normalize_resident_id, validate_cn_mobile, validate_resident_id


class Department(LocalizedName):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervised_departments",
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        return (email or "").strip().lower()

    def get_by_natural_key(self, username: str) -> "User":
        return self.get(email=self.normalize_email(username))

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150, validators=[validate_no_bidi_controls])
    # Sensitive personal data, encrypted at rest; mobile and resident ID are found through blind indexes.
    mobile = EncryptedTextField(
        _("mobile number"), max_length=20, blank=True, validators=[validate_cn_mobile]
    )
    mobile_index = BlindIndexField(source="mobile", normalizer=normalize_cn_mobile)
    resident_id = EncryptedTextField(
        _("resident ID number"), max_length=18, blank=True, validators=[validate_resident_id]
    )
    resident_id_index = BlindIndexField(source="resident_id", normalizer=normalize_resident_id)
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    home_address = EncryptedTextField(_("home address"), max_length=300, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Whether the user can log into the staff admin.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name

    @cached_property
    def role_names(self) -> frozenset[str]:
        """The names of the user's roles, read once per request."""
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: Role | str) -> bool:
        return str(role) in self.role_names

    @property
    def is_staff_member(self) -> bool:
        return bool(self.role_names & {str(role) for role in STAFF_ROLES})


class Guardianship(models.Model):
    """A parent or legal guardian who may act for a learner."""

    class Relationship(models.TextChoices):
        FATHER = "father", _("Father")
        MOTHER = "mother", _("Mother")
        GUARDIAN = "guardian", _("Legal guardian")

    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("guardian"),
        on_delete=models.CASCADE,
        related_name="wardships",
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="guardianships",
    )
    relationship = models.CharField(_("relationship"), max_length=20, choices=Relationship.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        constraints = [
            models.UniqueConstraint(fields=["guardian", "learner"], name="guardianship_unique_pair"),
            models.CheckConstraint(
                condition=~models.Q(guardian=models.F("learner")), name="guardianship_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.learner}"


class UserUserObjectPermission(UserObjectPermissionBase):
    """Explicit grants on one person's record (a delegated case), in a direct table."""

    content_object = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="granted_object_permissions"
    )


class UserGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="granted_group_permissions"
    )


class MobileVerification(models.Model):
    """A code sent to a mobile number someone wants on their account: the number changes only once the right
    code comes back. The code is stored as a keyed hash; one pending verification per person."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="mobile_verification",
    )
    mobile = EncryptedTextField(_("mobile number to verify"), max_length=20)
    code_hash = models.CharField(_("code (keyed hash)"), max_length=64)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)

    class Meta:
        verbose_name = _("mobile number verification")
        verbose_name_plural = _("mobile number verifications")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("sent_at")),
                name="mobile_verification_expires_later",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.sent_at:%Y-%m-%d %H:%M}"
