"""Plain admin screens for the complaint records around the queue: categories, rules, approvals, appeals.

Workflow fields (state, owner, timestamps, reference) are read-only here: they change through services only.
"""

from django.contrib import admin

from complaints.models import (
    AffectedLearner,
    Appeal,
    Approval,
    Attachment,
    CannedResponse,
    Category,
    ComplaintRules,
    ImprovementAction,
    Remedy,
)
from core.validators import NoBidiControlsAdminMixin


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AffectedLearnerInline(ReadOnlyInline):
    model = AffectedLearner
    fields = ["learner", "added_at"]
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


class RemedyInline(ReadOnlyInline):
    model = Remedy
    fk_name = "complaint"
    fields = ["learner", "kind", "amount", "days", "enrolment", "state", "carried_out_at"]
    readonly_fields = fields


@admin.register(Category)
class CategoryAdmin(NoBidiControlsAdminMixin, admin.ModelAdmin):
    bidi_free_fields = ("name", "name_en")
    list_display = ["code", "name", "name_en", "default_department", "default_severity", "is_active"]
    list_filter = ["is_active", "default_severity"]
    list_select_related = ["default_department"]
    search_fields = ["code", "name", "name_en"]


@admin.register(ComplaintRules)
class ComplaintRulesAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "group_threshold",
        "refund_approval_threshold",
        "refund_ceiling",
        "appeal_window_days",
        "duplicate_window_days",
        "auto_close_days",
    ]

    def has_add_permission(self, request) -> bool:
        return not ComplaintRules.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Approval)
class ApprovalAdmin(admin.ModelAdmin):
    list_display = ["complaint", "decision", "requested_by", "requested_at", "decided_by", "decided_at"]
    list_filter = ["decision"]
    list_select_related = ["complaint", "requested_by", "decided_by"]
    readonly_fields = ["complaint", "response", "requested_by", "requested_at", "decision", "decided_by"]


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ["complaint", "decision", "filed_at", "reviewer", "decided_at"]
    list_filter = ["decision"]
    list_select_related = ["complaint", "reviewer"]
    readonly_fields = ["complaint", "reason", "filed_by", "filed_at", "reviewer", "decision", "decided_at"]


@admin.register(ImprovementAction)
class ImprovementActionAdmin(NoBidiControlsAdminMixin, admin.ModelAdmin):
    list_display = ["title", "complaint", "feedback_item", "owner", "department", "due_date", "state"]
    list_filter = ["state", "department"]
    list_select_related = ["complaint", "feedback_item", "owner", "department"]
    readonly_fields = ["complaint", "feedback_item", "state", "done_at", "created_by", "created_at"]


@admin.register(CannedResponse)
class CannedResponseAdmin(NoBidiControlsAdminMixin, admin.ModelAdmin):
    list_display = ["title", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["title", "body"]
