"""Opening hours against cost and lost calls.

* `evaluate_opening_hours` (``evaluate``): the model of a week, and the cost and the calls
  lost of given hours (`HoursPlan`);
* `search_opening_hours` (``search``): the exact search over windows per weekday, returning the
  Pareto set of cost against lost calls (`HoursSearch`) and the best plan within a budget;
* ``_space`` enumerates the windows a day may take, ``_pareto`` filters the frontier.
"""

from cxqueue.optimize.hours.evaluate import HoursPlan, evaluate_opening_hours
from cxqueue.optimize.hours.search import HoursSearch, search_opening_hours

__all__ = ["HoursPlan", "HoursSearch", "evaluate_opening_hours", "search_opening_hours"]
