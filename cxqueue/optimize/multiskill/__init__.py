"""Staffing a multi-skill center: agents per group and interval for per-type service targets.

* `staff_multiskill` (``staffing.py``): simulation-based optimization on common random
  numbers (analytic starts, then agents added and removed by a local search, the two steps
  of Avramidis et al. 2010); ``_evaluate.py`` simulates staffings on one sample of callers,
  ``_analytic.py`` holds the Erlang needs and the integer programs (HiGHS);
* `set_cover_staffing` (``setcover.py``): pyworkforce's set cover (each type's Erlang C need,
  every flexible agent counted in full for each of its skills), raw or scaled until the
  simulated targets hold, for comparison;
* `MultiSkillStaffing` (``result.py``): what both return, judged by simulation on an
  independent seed;
* `wallace_whitt_center`, `day_profile` (``centers.py``): the 6 x 6 chain of Wallace &
  Whitt (2005) for tests and benchmarks, over a day's shape.
"""

from cxqueue.optimize.multiskill.centers import day_profile, wallace_whitt_center
from cxqueue.optimize.multiskill.result import MultiSkillStaffing
from cxqueue.optimize.multiskill.setcover import set_cover_staffing
from cxqueue.optimize.multiskill.staffing import staff_multiskill

__all__ = ["MultiSkillStaffing", "day_profile", "set_cover_staffing", "staff_multiskill", "wallace_whitt_center"]
