"""Course-update suggestions (课程更新建议): learners of a course propose a change, other learners support it,
the course's owners answer (accepted, planned, declined with a reason, done in a version), and each course
keeps its change log (版本更新记录)."""
