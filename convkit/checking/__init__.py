"""Automatic checks for the coding exercises of the course.

``check(student_function, "ch03-output-size")`` runs a student's function on
hidden cases and compares it with convkit. The engine (cases, diagnoses, the
report) is :mod:`convkit.checking.engine`; the exercises themselves live in
:mod:`convkit.checking.exercises`, one module per chapter.
"""

from convkit.checking import exercises  # noqa: F401  (registers every chapter's exercises)
from convkit.checking import engine
from convkit.checking.engine import (
    Case,
    CheckResult,
    Diagnosis,
    Exercise,
    check,
    register_exercise,
)

#: Every registered exercise, by exercise id (the registry of :mod:`convkit.checking.engine`).
EXERCISES = engine.EXERCISES

__all__ = [
    "Case",
    "CheckResult",
    "Diagnosis",
    "Exercise",
    "EXERCISES",
    "check",
    "register_exercise",
]
