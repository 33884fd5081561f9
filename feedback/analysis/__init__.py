"""The feedback analysis: stored daily facts, the figures read from them, and the page, API, CSV and report
section that show them. The seam for the teachers' ratings of other apps is ``sources.rating_sources``."""
