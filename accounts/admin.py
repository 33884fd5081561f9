from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from core.autocomplete import ReadableAutocompleteAdminMixin
from core.validators import NoBidiControlsAdminMixin
from privacy.admin import PersonalDataAdminMixin, PostedSearchAdminMixin

from .models import Department, Guardianship, User


@admin.register(User)
class UserAdmin(PersonalDataAdminMixin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "department", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "groups", "department"]
    list_select_related = ["department"]
    search_fields = ["email", "display_name"]
    personal_data_fields = ("email", "display_name", "mobile", "resident_id", "date_of_birth", "home_address")
    personal_data_list_fields = ("email", "display_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Personal details"),
            {
                "fields": (
                    "display_name",
                    "mobile",
                    "resident_id",
                    "date_of_birth",
                    "home_address",
                    "preferred_language",
                )
            },
        ),
        (_("Work"), {"fields": ("department",)}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")}),
    )


@admin.register(Department)
class DepartmentAdmin(NoBidiControlsAdminMixin, ReadableAutocompleteAdminMixin, admin.ModelAdmin):
    bidi_free_fields = ("name", "name_en")
    list_display = ["code", "name", "name_en", "supervisor"]
    list_select_related = ["supervisor"]
    search_fields = ["code", "name", "name_en"]
    autocomplete_fields = ["supervisor"]


@admin.register(Guardianship)
class GuardianshipAdmin(ReadableAutocompleteAdminMixin, PostedSearchAdminMixin, admin.ModelAdmin):
    list_display = ["guardian", "learner", "relationship", "created_at"]
    list_select_related = ["guardian", "learner"]
    autocomplete_fields = ["guardian", "learner"]
    search_fields = ["guardian__email", "learner__email", "guardian__display_name", "learner__display_name"]
