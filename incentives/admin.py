"""Staff screens of the points ledger: awards and rewards read-only (points change through the service
only), the reward rules edited by managers and the leadership group."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from core.validators import NoBidiControlsAdminMixin
from privacy.admin import PersonalDataAdminMixin

from .models import Award, Reward, RewardRule
from .permissions import may_edit_reward_rules, may_read_ledger


class LedgerAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    """Read-only for managers and the leadership group; each read of a learner's rows is logged."""

    personal_data_subject_fields = ("learner_id",)
    search_fields = ["learner__email"]

    def personal_data_subject(self, obj):
        return obj.learner

    def has_module_permission(self, request) -> bool:
        return may_read_ledger(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return may_read_ledger(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def history_view(self, request, object_id, extra_context=None):
        # Refused before the row is looked up, as the change screen is: a reader without the right is not
        # told whether the row exists.
        if not self.has_view_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)


@admin.register(Award)
class AwardAdmin(LedgerAdmin):
    list_display = ["created_at", "learner", "reason", "points", "source_type", "source_id", "actor"]
    list_filter = ["reason"]
    list_select_related = ["learner", "source_type", "actor"]
    fields = ["learner", "points", "reason", "source_type", "source_id", "actor", "created_at"]
    readonly_fields = fields
    personal_data_fields = ("points", "reason", "source")
    personal_data_list_fields = ("learner", "points", "reason")
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(Reward)
class RewardAdmin(LedgerAdmin):
    list_display = ["reference", "learner", "kind", "value", "threshold", "issued_at", "expires_on"]
    list_filter = ["kind", "rule"]
    list_select_related = ["learner", "rule"]
    fields = [
        "reference",
        "learner",
        "rule",
        "threshold",
        "award",
        "kind",
        "value",
        "description",
        "description_en",
        "code",
        "issued_at",
        "expires_on",
    ]
    readonly_fields = fields
    search_fields = ["reference", "code", "learner__email"]
    personal_data_fields = ("reference", "code", "kind", "value")
    personal_data_list_fields = ("reference", "learner", "kind", "value")


@admin.register(RewardRule)
class RewardRuleAdmin(NoBidiControlsAdminMixin, admin.ModelAdmin):
    """A rule no reward was issued under may be deleted; one with rewards is turned off instead."""

    bidi_free_fields = ("description", "description_en")
    list_display = ["__str__", "kind", "every_points", "value", "valid_days", "is_active"]
    list_filter = ["kind", "is_active"]
    readonly_fields = ["created_at"]

    def has_module_permission(self, request) -> bool:
        return may_edit_reward_rules(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return may_edit_reward_rules(request.user)

    def has_add_permission(self, request) -> bool:
        return may_edit_reward_rules(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return may_edit_reward_rules(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return may_edit_reward_rules(request.user) and (obj is None or not obj.rewards.exists())
