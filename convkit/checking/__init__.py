"""Automatic checks for the coding exercises of the course.

``check(student_function, "ch03-output-size")`` runs a student's function on
hidden cases and compares it with convkit. The engine (cases, diagnoses, the
report) is :mod:`convkit.checking.engine`; the exercises themselves live in
:mod:`convkit.checking.exercises`, one module per chapter.
"""

from convkit.checking import exercises  # noqa: F401  (registers every chapter's exercises)
from convkit.checking.engine import (
    EXERCISES,
    Case,
    CheckResult,
    Diagnosis,
    Exercise,
    check,
    register_exercise,
)

# EXERCISES (the registry, documented in convkit.checking.engine) is importable
# from here too; listing it in __all__ would document the dict a second time.
__all__ = [
    "Case",
    "CheckResult",
    "Diagnosis",
    "Exercise",
    "check",
    "register_exercise",
]
