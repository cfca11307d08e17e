"""Staffing a multi-skill center: agents per group and interval for per-type service targets.

* `staff_multiskill` (``staffing.py``): simulation-based optimization (the cutting planes of
  Cezik & L'Ecuyer on common random numbers, from an analytic start, with a removal pass);
* `set_cover_staffing` (``setcover.py``): pyworkforce's set cover (each type's Erlang C need,
  every flexible agent counted in full for each of its skills), raw or scaled until the
  simulated targets hold, for comparison;
* `MultiSkillStaffing` (``result.py``): what both return, judged by simulation on an
  independent seed;
* `wallace_whitt_center` (``centers.py``): the 6 x 6 center of Wallace & Whitt (2005) for
  tests and benchmarks.
"""

from cxqueue.optimize.multiskill.result import MultiSkillStaffing
from cxqueue.optimize.multiskill.staffing import staff_multiskill

__all__ = ["MultiSkillStaffing", "staff_multiskill"]
