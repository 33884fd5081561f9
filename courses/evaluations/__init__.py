"""Course evaluations (课程评估): a learner who has taken (most of) a course evaluates it once per enrolment.

The overall score and comment are a rating of the course in the shared ratings module (published as its
batched summary, the comment after moderation, answered in public by the course's instructors); the answers
to the course's questionnaire (``EvaluationTemplate``) aggregate under the same rule: only the evaluations the
summary already counts, and only groups of at least ``RATINGS_PUBLISH_MIN`` of them.
"""
