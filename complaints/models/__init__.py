"""Complaint models, one module per concern; import them from here."""

from .canned import CannedResponse
from .complaint import (
    MAX_TEXT_LENGTH,
    REFERENCE_PREFIX,
    SELF_SERVICE_CHANNELS,
    AffectedLearner,
    Channel,
    Complaint,
    ComplaintGroupObjectPermission,
    ComplaintUserObjectPermission,
)
from .resolution import MAX_EXTENSION_DAYS, Appeal, Approval, ImprovementAction, Remedy
from .rules import SEVERITY_RANK, Category, ComplaintRules, Severity, severity_max
from .timeline import Attachment, ComplaintEvent, EventKind, EvidenceStorage, evidence_storage

__all__ = [
    "MAX_EXTENSION_DAYS",
    "MAX_TEXT_LENGTH",
    "REFERENCE_PREFIX",
    "SELF_SERVICE_CHANNELS",
    "SEVERITY_RANK",
    "AffectedLearner",
    "Appeal",
    "Approval",
    "Attachment",
    "CannedResponse",
    "Category",
    "Channel",
    "Complaint",
    "ComplaintEvent",
    "ComplaintGroupObjectPermission",
    "ComplaintRules",
    "ComplaintUserObjectPermission",
    "EventKind",
    "EvidenceStorage",
    "ImprovementAction",
    "Remedy",
    "Severity",
    "evidence_storage",
    "severity_max",
]
