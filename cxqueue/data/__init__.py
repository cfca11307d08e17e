"""Real call-center history in, model parameters out.

Readers (every one reports what it dropped, repaired or flagged, and why):

- `read_bank_log`: the call-level log of the 1999 "Anonymous Bank" (../shared/data);
- `read_call_csv`: a generic call CSV (arrival, answer, end, outcome);
- `read_interval_csv`: dated interval counts such as us-bank-calls-2003;
- `read_interval_table`: consecutive intervals (calls, AHT), as ``cxqueue staff`` takes; `IntervalTable.times`
  reads their time column (`RowTimes`), which places the rows of a config's ``[demand].csv``;
- `read_history`: any of them, detected from the header.

Estimators: `estimate_forecast` (calls and AHT per interval and weekday),
`observed_kpis` (service level, ASA, abandonment and agents as the log shows them),
`fit_handle_time`, `fit_patience`, `fit_ivr`, `redial_share`, `lines_in_use`, and
`fit_history` bundling all of them; `import_history` writes a profile from history files
(``cxqueue import``). `load_profile` reads the small derived profile
shipped with the package (``bank-1999``: January and February; ``bank-1999-october``).
"""

from cxqueue.data.bank1999 import read_bank_log
from cxqueue.data.bundle import HistoryFit, fit_history
from cxqueue.data.calls_csv import read_call_csv
from cxqueue.data.detect import detect_format, read_history
from cxqueue.data.estimate import ObservedKPIs, estimate_forecast, observed_kpis
from cxqueue.data.fits import (
    HandleTimeFit,
    IvrFit,
    PatienceFit,
    fit_handle_time,
    fit_ivr,
    fit_patience,
    kaplan_meier,
)
from cxqueue.data.history import (
    CALL_DTYPE,
    OUTCOMES,
    CallHistory,
    ImportReport,
    IntervalCounts,
    ReportEntry,
    concat_histories,
)
from cxqueue.data.importer import ImportResult, import_history
from cxqueue.data.intervals_csv import IntervalTable, RowTimes, read_interval_csv, read_interval_table
from cxqueue.data.profiles import available_profiles, load_profile, write_profile
from cxqueue.data.traffic import LinesInUse, RedialStats, lines_in_use, redial_share

__all__ = [
    "CALL_DTYPE",
    "OUTCOMES",
    "CallHistory",
    "HandleTimeFit",
    "HistoryFit",
    "ImportReport",
    "ImportResult",
    "IntervalCounts",
    "IntervalTable",
    "IvrFit",
    "LinesInUse",
    "ObservedKPIs",
    "PatienceFit",
    "RedialStats",
    "ReportEntry",
    "RowTimes",
    "available_profiles",
    "concat_histories",
    "detect_format",
    "estimate_forecast",
    "fit_handle_time",
    "fit_history",
    "fit_ivr",
    "fit_patience",
    "import_history",
    "kaplan_meier",
    "lines_in_use",
    "load_profile",
    "observed_kpis",
    "read_bank_log",
    "read_call_csv",
    "read_history",
    "read_interval_csv",
    "read_interval_table",
    "redial_share",
    "write_profile",
]
