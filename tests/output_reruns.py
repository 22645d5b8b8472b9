"""The environment of the test runs that re-execute a chapter only for its printed outputs.

nbval's main run of each chapter (``python -m pytest``) draws every explorer
frame and times with every round, as a reader's run does. Three other tests
execute chapters again, for other reasons: the second numerical environment
(``test_alternate_environment.py``: the compared outputs), the handouts
(``test_handouts.py``: the stubs and check cells) and the graded course
(``test_nbgrader.py``: the grades). None of them looks at an explorer frame
or a time, and drawing the frames was most of their run time, so they run
with

- ``CONVKIT_EXPLORER_FRAMES=first``: each explorer draws the frame it shows
  first, the others on demand (``convkit.explorer``);
- ``CONVKIT_TIMING_ROUNDS=1``: ``convkit.timing.time_interleaved`` measures
  one round (timing outputs are never compared; claims print a verdict).
"""

from convkit.explorer import FRAMES_VARIABLE
from convkit.timing import ROUNDS_VARIABLE

OUTPUTS_ONLY = {FRAMES_VARIABLE: "first", ROUNDS_VARIABLE: "1"}
