"""Staff screens for complaints: the queue and workspace (``complaint``), and the records around them."""

from . import complaint, records

__all__ = ["complaint", "records"]
