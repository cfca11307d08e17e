"""The schema of scenario configs, as data: every table, key, type, unit, default and meaning.

`cxqueue.config` reads configs with it, and ``tests/config/test_config.py`` checks that
``configs/README.md`` documents exactly these keys (`markdown_tables` writes the tables
that README holds). A key whose kind is ``"duration"`` is named here with ``_s``; a
config may write it with ``_s``, ``_min`` or ``_h`` (exactly one of them).

Table names with a placeholder (``hours.<weekday>``, ``shifts.<name>``,
``call_types.<name>``, ``groups.<name>``) stand for every table under that prefix;
``shifts.<name>.breaks`` is an array of inline tables.
"""

from cxqueue.config.keys import (
    DURATION_UNITS,
    FITTED,
    UNLIMITED,
    WEEKDAY_NAMES,
    Key,
    Table,
    accepted_names,
    read_table,
    show,
    type_word,
    unknown,
)
from cxqueue.scenario.channels import CHANNELS
from cxqueue.scenario.routing import AGENT_CHOICES, CALL_CHOICES
from cxqueue.scenario.settings import ENGINES, METHODS, MODELS, OBJECTIVES, ROUNDINGS, PlanSettings

__all__ = [
    "DURATION_UNITS",
    "FITTED",
    "SCHEMA",
    "TABLE_DOCS",
    "UNLIMITED",
    "WEEKDAY_NAMES",
    "Key",
    "Table",
    "accepted_names",
    "markdown_tables",
    "read_table",
    "show",
    "type_word",
    "unknown",
]

DIST_KINDS = ("none", "exponential", "lognormal", "deterministic", FITTED)
# how every history path of a config is read (config/demand.py, DemandReader.resolve)
_PATHS = (
    "relative to this file; `$CXQUEUE_DATA/...` uses that environment variable (a relative value from the working "
    "directory)"
)


def _plan(name: str):
    """The default of a ``[staffing]`` or ``[simulation]`` key: `PlanSettings`' own, stated once."""
    return PlanSettings.default(name)


def _dist_keys(what: str, *, kinds=DIST_KINDS, default_kind="exponential", mean_doc="") -> tuple[Key, ...]:
    return (
        Key("kind", "choice", f"shape of the {what} distribution", default_kind, choices=kinds),
        Key("mean_s", "duration", mean_doc or f"mean {what}; required unless kind is none or fitted", "required",
            low=0.0, low_open=True),
        Key("cv", "float", "coefficient of variation (lognormal only)", 1.0, low=0.0, low_open=True),
    )  # fmt: skip


# fmt: off
_SCHEMA_LIST: tuple[tuple[str, tuple[Key, ...]], ...] = (
    ("center", (
        Key("name", "str", "name shown in reports", "file stem"),
        Key("description", "str", "one line shown in reports", ""),
        Key("currency", "str", 'unit of every cost in the report (e.g. "EUR")', '"paid hours" when no '
            '[shifts] table sets a cost, else "cost units"'),
    )),
    ("demand", (
        Key("profile", "str", 'a profile shipped with cxqueue (`cxqueue.data.available_profiles()`, e.g. "bank-1999")'),
        Key("history", "paths", "call log(s) or interval-count CSV(s) read with `cxqueue.data.read_history`; "
            + _PATHS),
        Key("fallback_profile", "str", "shipped profile used when `history` files are missing "
            "(a clone without ../shared/data); the plan's warnings say so"),
        Key("csv", "paths", "a CSV with a `calls` column, optional `aht_s` (or `aht`); one row per interval; a time "
            "column (`interval`, `start`, `time`, `interval_start`, `datetime` or `timestamp` holding clock times, "
            "weekday and time, or date-times) places each row at its time: `start`, `weekday` and `interval_s` then "
            "come from it, and a key that disagrees is an error"),
        Key("calls", "numbers", "inline calls per interval, from `start` on `weekday`"),
        Key("aht_s", "duration", "mean handle time; required with `calls` and a CSV without `aht_s`; "
            "overrides the fitted AHT of a profile or history", "from the demand", low=0.0, low_open=True),
        Key("interval_s", "duration", "length of an interval, a minute to a day; a profile keeps its own (900 s), "
            "a CSV with a time column the step between its rows", 900.0, low=0.0, low_open=True),
        Key("start", "time", "time of day of the first interval of `calls` or `csv` (a CSV with a time column: "
            "its first row's)", "00:00"),
        Key("weekday", "weekday", "weekday of the first interval of `calls` or `csv` (a CSV whose time column "
            "holds weekdays or dates: its first row's)", "monday"),
        Key("days", "weekdays", "weekdays on which the one-day pattern of `calls` or `csv` repeats (the forecast "
            "is then one week from Monday 00:00); unset: once, on `weekday`", UNLIMITED),
        Key("scale", "float", "multiplies every call count (growth, a busier month)", 1.0, low=0.0, low_open=True),
        Key("day_factor_cv", "float", "day-to-day variation of the volume (coefficient of variation of a "
            "factor drawn per day in the simulation)", 0.0, low=0.0),
        Key("forecast", "table", "plan dated future days forecast from a history: "
            "`{ history, start, weeks, method, policy, p }` (see below)"),
    )),
    ("demand.forecast", (
        Key("history", "paths", "interval-count CSV or call log(s) (`cxqueue.forecast.run.read_interval_history`); "
            + _PATHS, "required"),
        Key("start", "date", "the first planned day (after the history's last day, at most 14 days later)",
            "required"),
        Key("weeks", "int", "weeks to plan from `start`", 1, low=1),
        Key("method", "choice", "forecast method (`cxqueue.forecast.fit`)", "auto",
            choices=("auto", "weekday_mean", "day_factor")),
        Key("policy", "choice", "staff for the mean forecast; for the day factor's `p`-quantile (the target then "
            "holds on about a share `p` of days); or so that the service level averaged over the forecast's day "
            "factor meets it (`expected`: the simulation draws a factor per day)", "mean",
            choices=("mean", "quantile", "expected")),
        Key("p", "fraction", "share of days of the `quantile` policy", 0.9, low_open=True, high_open=True),
        Key("special_days", "dates", "days whose volume is not an ordinary weekday's (holidays, campaigns), "
            "past and planned: their effect is learned from the past ones", "[]"),
        Key("closed_days", "dates", "days the center is closed (no calls; left out of the fit); the day after a "
            "closure is treated as a reopening", "[]"),
    )),
    ("handle", (
        Key("kind", "choice", "shape of the handle-time distribution; its mean is each interval's AHT",
            "exponential", choices=("exponential", "lognormal", "deterministic", FITTED)),
        Key("cv", "float", "coefficient of variation (lognormal only)", 1.0, low=0.0, low_open=True),
    )),
    ("patience", _dist_keys("patience", default_kind="exponential")),
    ("ivr", (
        *_dist_keys("IVR time", default_kind="deterministic"),
        Key("self_service", "fraction", "callers who finish in the IVR", 0.0, fitted=True),
    )),
    ("lines", (
        Key("count", "int", "phone lines (trunks) installed: the plan keeps them and `cxqueue simulate` uses them; "
            "unset: `cxqueue plan` sizes the lines for `max_blocking`, `cxqueue simulate` takes them as unlimited",
            UNLIMITED, low=1),
        Key("max_blocking", "fraction", "line-sizing target of `cxqueue plan` and `cxqueue lines`: at most this "
            "fraction of calls get a busy signal", 0.01, low=0.0, low_open=True),
    )),
    ("hours", ()),
    ("hours.<weekday>", (
        Key("open", "time", "opening time (weekday is monday .. sunday, or default for days not named)",
            "required"),
        Key("close", "time", "closing time, after open; 24:00 is midnight", "required", allow_24=True),
        Key("closed", "bool", "closed all day (then no open or close)", False),
    )),
    ("hours_search", (
        Key("weekdays", "weekdays", "days whose hours the search may change (open, close or keep closed); "
            "the other days keep their `[hours]`", "all"),
        Key("earliest_open", "time", "earliest opening time tried", "00:00"),
        Key("latest_open", "time", "latest opening time tried", "23:00"),
        Key("earliest_close", "time", "earliest closing time tried", "01:00", allow_24=True),
        Key("latest_close", "time", "latest closing time tried", "24:00", allow_24=True),
        Key("step_s", "duration", "the times tried are the multiples of this from midnight; a whole number of "
            "seconds and a multiple of the demand's interval (below an hour needs finer demand)", 3600.0,
            low=0.0, low_open=True),
        Key("min_open_s", "duration", "shortest opening of a searched day that opens (it may also stay closed); "
            "0: no minimum beyond one step", 0.0, low=0.0),
        Key("min_calls_covered", "fraction", "plans whose open hours hold less than this share of the calls "
            "(by the time they call, over the week) are not considered", 0.95),
        Key("cost_per_open_hour", "float", "fixed cost of each hour open (supervisor, building), added to "
            "every plan's staff cost", 0.0, low=0.0),
    )),
    ("shifts", ()),
    ("shifts.<name>", (
        Key("length_s", "duration", "paid length of the shift (name is the table name)", "required",
            low=0.0, low_open=True),
        Key("earliest_start", "time", "earliest start", "00:00"),
        Key("latest_start", "time", "latest start", "earliest_start"),
        Key("start_step_s", "duration", "step between allowed starts", 900.0, low=0.0, low_open=True),
        Key("cost", "float", "cost of one shift (any currency)", "paid hours", low=0.0),
        Key("cost_per_hour", "float", "cost per paid hour instead of `cost`", UNLIMITED, low=0.0),
        Key("days", "weekdays", "weekdays the shift may be used", "all"),
        Key("min_count", "int", "fewest shifts of this kind per day", 0, low=0),
        Key("max_count", "int", "most shifts of this kind per day", UNLIMITED, low=0),
        Key("breaks", "tables", "breaks, each `{ earliest_s, latest_s, length_s }` (see below)", "[]"),
    )),
    ("shifts.<name>.breaks", (
        Key("earliest_s", "duration", "the break starts at least this long after the shift starts", "required",
            low=0.0),
        Key("latest_s", "duration", "the break ends at most this long after the shift starts", "required",
            low=0.0),
        Key("length_s", "duration", "length of the break", "required", low=0.0, low_open=True),
    )),
    ("target", (
        Key("level", "fraction", "service level: fraction of calls answered within `answer_within_s`", 0.8),
        Key("answer_within_s", "duration", "service-level threshold", 20.0, low=0.0),
        Key("basis", "choice", "which calls count in the service level (../shared/reference/README.md)",
            "offered", choices=("offered", "answered", "virtual")),
        Key("max_asa_s", "duration", "cap on the mean wait of answered calls", UNLIMITED, low=0.0, low_open=True),
        Key("max_abandon", "fraction", "cap on the abandoned fraction", UNLIMITED, low=0.0, low_open=True),
        Key("max_occupancy", "fraction", "cap on agent occupancy", UNLIMITED, low=0.0, low_open=True),
        Key("shrinkage", "fraction", "fraction of paid time not on the phones (breaks excluded)", 0.0,
            high_open=True),
    )),
    ("staffing", (
        Key("model", "choice", "queueing model for the requirements per interval", _plan("model"), choices=MODELS),
        Key("method", "choice", "how time variation is handled: stationary per interval, lagged, or "
            "iterative simulation-corrected", _plan("method"), choices=METHODS),
        Key("isa_rounding", "choice", "with `method = \"isa\"`: the fewest agents meeting the target in every "
            "interval (`up`, a floor) or the staffing whose service level is nearest the target (`nearest`, "
            "time-stable around it)", _plan("isa_rounding"), choices=ROUNDINGS),
        Key("min_agents", "int", "fewest agents on duty while open", _plan("min_agents"), low=0),
        Key("max_agents", "int", "most agents on duty at once (positions, seats); unset: no limit", UNLIMITED,
            low=1),
        Key("objective", "choice", "shift schedule: meet the target in every interval (`cover`) or over the "
            "whole horizon at least cost (`global_service_level`)", _plan("objective"), choices=OBJECTIVES),
    )),
    ("redials", (
        Key("blocked", "fraction", "share of busy-signal callers who call again", 0.0),
        Key("blocked_delay_s", "duration", "mean delay before that redial (exponential)", 300.0, low=0.0,
            low_open=True),
        Key("abandoned", "fraction", "share of abandoning callers who call again", 0.0, fitted=True),
        Key("abandoned_delay_s", "duration", "mean delay before that redial (exponential)", 600.0, low=0.0,
            low_open=True),
        Key("closed", "fraction", "share of callers finding the center closed who call again after it opens",
            0.0),
        Key("closed_delay_s", "duration", "mean delay after the next opening (exponential)", 1800.0, low=0.0,
            low_open=True),
        Key("max_attempts", "int", "most attempts per customer, the first included", 10, low=1),
    )),
    ("callbacks", (
        Key("enabled", "bool", "offer a callback (virtual hold) to callers facing a long wait", True),
        Key("threshold_s", "duration", "predicted wait above which the callback is offered", 120.0, low=0.0),
        Key("accept", "fraction", "share of callers offered a callback who take it", 0.5),
        Key("reach", "fraction", "share of callbacks that reach the customer", 0.9),
    )),
    ("reserve", (
        Key("agents", "float", "reserve agents (blended or back-office staff) who answer calls only while the "
            "queue is long", 1.0, low=0.0),
        Key("queue_threshold", "int", "callers waiting (the one to be answered included) that call the reserve "
            "in when every agent on duty is busy", 3, low=1),
    )),
    ("priority", (
        Key("shares", "fractions", "share of calls in each class; adds up to 1", (1.0,)),
        Key("head_start_s", "durations", "head start of each class in the queue", (0.0,), low=0.0),
    )),
    ("simulation", (
        Key("replications", "int", "independent replications of the horizon (two at least, for the 95 % intervals)",
            _plan("replications"), low=2),
        Key("seed", "int", "seed of every random stream (same seed, same plan)", _plan("seed"), low=0),
        Key("engine", "choice", "simulation engine", _plan("engine"), choices=ENGINES),
        Key("warmup_s", "duration", "time simulated before KPIs are counted", _plan("warmup_s"), low=0.0),
    )),
    ("validation", (
        Key("history", "paths", "call log(s) to replay with the center's own staffing before the plan is trusted; "
            + _PATHS + "; missing files skip the check with a note"),
        Key("staffing", "choice", "which agents the log shows per interval: on duty (`staffed`), answering "
            "calls (`serving`) or busy (`busy`)", "staffed", choices=("staffed", "serving", "busy")),
        Key("agent_factor", "float", "share of those agents who take calls (fit it on other months, with the "
            "`[reserve]`, by `cxqueue.replay.calibrate.fit_reserve`, or alone by `fit_agent_factor`)", 1.0, low=0.0,
            low_open=True),
        Key("replications", "int", "replications of the replay", 20, low=2),
    )),
    ("call_types", ()),
    ("call_types.<name>", (
        Key("calls", "numbers", "expected calls per interval on the grid of `[demand]` (its `interval_s`, `start`, "
            "`weekday`, `days`)"),
        Key("csv", "paths", "a CSV with a `calls` column and optional `aht_s`, read as `[demand].csv` is; "
            + _PATHS),
        Key("share", "fraction", "this share of the calls of `[demand]` (which then needs a profile, history, csv, "
            "calls or forecast); the shares of all types add up to at most 1", low_open=True),
        Key("aht_s", "duration", "mean handle time; required with `calls` and a CSV without `aht_s`", "from the demand",
            low=0.0, low_open=True),
        Key("handle_kind", "choice", "shape of the handle-time distribution (its mean is the type's AHT)",
            "[handle].kind", choices=("exponential", "lognormal", "deterministic")),
        Key("handle_cv", "float", "coefficient of variation (lognormal only)", "[handle].cv", low=0.0, low_open=True),
        Key("patience_kind", "choice", "shape of the callers' patience; `none`: they never hang up", "[patience]",
            choices=("none", "exponential", "lognormal", "deterministic")),
        Key("patience_s", "duration", "mean patience; required with a patience_kind other than none", "[patience]",
            low=0.0, low_open=True),
        Key("patience_cv", "float", "coefficient of variation of the patience (lognormal only)", "[patience]",
            low=0.0, low_open=True),
        Key("priority", "int", "0 is served first: a free agent takes the waiting calls of its types by priority "
            "level (unless `[routing]` says otherwise)", 0, low=0),
        Key("target", "table", "the type's own service target, keys of `[target]` (`{ level = 0.9, answer_within_s "
            "= 30 }`); keys left out come from `[target]`", "[target]"),
        Key("transfer", "table", "a share of the type's answered calls passed on at the end of the talk to another "
            'type (the same customer, a new call of that type then): `{ to = "loans", share = 0.1 }`, or per group '
            '`{ to = "loans", share = { flex = 0.2 } }` (groups not named: none); a circle of types whose shares '
            "are all 1 is an error", "none"),
        Key("channel", "choice", "`voice` (calls: one per agent), `chat` (an agent holds several at once, "
            "`[channels.chat]`), `email` (emails and tickets: never abandoned, open while the center is closed, "
            "taken only when no other call waits for the agent, due within `due_s`) or `outbound` (check-in calls "
            "agents dial after every inbound call and before emails, created by other types' `outbound`)", "voice",
            choices=CHANNELS),
        Key("due_s", "duration", "an email or outbound type's due time: its service level is the share answered "
            "(dialed) within it, and what is not is `missed`", "[channels.email].due_s (email), 24 h", low=0.0),
        Key("outbound", "table", "check-in calls after served calls: "
            '`{ to = "checkin", share = 0.2, delay_h = 24 }`: that share of the type\'s served calls creates a task '
            'of the type `to` (with `channel = \"outbound\"`), dialable `delay_s` (`delay_min`, `delay_h`) after the '
            "call ends", "none"),
    )),
    ("groups", ()),
    ("groups.<name>", (
        Key("skills", "names", "the call types the group's agents answer", "required"),
        Key("agents", "amount", "agents on duty: one number for every interval the center is open (none while "
            "closed), or one value per interval, placed on the grid as a type's `calls` are (with `[demand].days`: one "
            "day's pattern, none on other days); `cxqueue plan` plans them, so a config only planned may leave it "
            "out", "required by cxqueue simulate", low=0.0),
        Key("handle_factor", "table", "per skill, the group's handle time relative to the type's AHT: "
            "`{ business = 1.25 }` takes 25 % longer (1 for a skill not named)", "{}"),
        Key("shifts", "names", "the `[shifts.<name>]` templates `cxqueue plan` may roster for this group",
            "every [shifts] template"),
        Key("cost", "float", "cost per agent-hour relative to the base rate of `[shifts]` (a multi-skilled agent "
            "may cost more): the group's shifts cost their template's cost times this", 1.0, low=0.0,
            low_open=True),
        Key("concurrency", "int", "chats an agent of the group holds at once (types with `channel = \"chat\"`)",
            "[channels.chat].concurrency", low=1),
    )),
    ("channels", ()),
    ("outbound", (
        Key("reach", "fraction", "the share of check-in dials that reach the customer (then the call takes the "
            "outbound type's handle time)", 1.0),
        Key("attempt_s", "duration", "how long a dial that does not reach the customer takes", 30.0, low=0.0,
            low_open=True),
    )),
    ("channels.email", (
        Key("due_s", "duration", "the due time of every email type without its own `due_s`", "24 h", low=0.0),
    )),
    ("channels.chat", (
        Key("concurrency", "int", "chats an agent holds at once, for every group without its own "
            "`[groups.NAME].concurrency`; an agent with a chat takes no voice call, and one on a call no chat", 1,
            low=1),
        Key("stretch", "float", "how a chat's handle time grows with its agent's load: a chat that starts when its "
            "agent then holds m chats lasts its handle time x (1 + stretch x (m - 1)), fixed at its start", 0.0,
            low=0.0),
    )),
    ("routing", (
        Key("type_groups", "table", "per call type, the groups its calls try, in order: "
            '`{ retail = ["retail", "universal"] }`; a type not named tries every group with its skill, in the '
            "order of the config", "by skills"),
        Key("group_types", "table", "per group, the types its free agents take, by priority level (an item is a "
            'type or an array of types of equal priority): `{ universal = ["business", ["retail", "english"]] }`; '
            "a group not named takes its types by their `priority`", "by priority"),
        Key("agent_choice", "choice", "which idle agent of a group answers: the one idle longest, or the "
            "lowest-numbered; `random_free`: a new call that may reach several groups at once picks one at random "
            "in proportion to their idle agents (then its longest idle)", "longest_idle", choices=AGENT_CHOICES),
        Key("call_choice", "choice", "which waiting call a free agent takes: by its `group_types` levels then the "
            "longest waiting (`priority`), or the longest waiting of all its types (`fifo`)", "priority",
            choices=CALL_CHOICES),
        Key("delays_s", "delays", "re-routing: per type and group, how long a waiting call waits before that "
            "group may take it: `{ retail = { universal = 30 } }` (the group must be among the type's groups)",
            "0"),
    )),
    ("output", (
        Key("folder", "str", "output folder, relative to the current directory", "plans/<name>"),
        Key("formats", "choices", "files to write besides summary.json (always written: the plan's record): "
            "`csv` (plan.csv, shifts.csv, validation.csv), `html` (report.html), `xlsx` (plan.xlsx)",
            ("csv", "html", "xlsx"), choices=("csv", "json", "html", "xlsx")),
        Key("figures", "bool", "write PNG figures (and put them in report.html)", True),
    )),
)
# fmt: on

SCHEMA: dict[str, dict[str, Key]] = {t: {k.name: k for k in keys} for t, keys in _SCHEMA_LIST}

TABLE_DOCS: dict[str, str] = {
    "center": "Who the plan is for.",
    "demand": "The calls to plan for. Give exactly one of `profile`, `history`, `csv`, `calls` or `forecast`. "
    "Counts are "
    "calls offered to agents (after the IVR); with `[ivr].self_service` > 0 the loader divides them by "
    "(1 - self_service) to get the calls that enter the IVR.",
    "demand.forecast": "Dated future days forecast from a history (`cxqueue.forecast`), the inline table "
    "`[demand].forecast`. The plan covers `weeks` weeks from `start` at `[demand].interval_s` (the history is "
    "summed to it); its notes give the dates, the forecast's warnings and the policy's promise. AHT comes from the "
    "history, or `[demand].aht_s` when it has none.",
    "handle": "Handle-time distribution (talk plus wrap-up). Its mean follows each interval's AHT.",
    "patience": "How long callers wait before they hang up. Without this table nobody hangs up.",
    "ivr": "An announcement or menu before the queue. Without this table there is none.",
    "lines": "Phone lines. Without this table (or without `count`) `cxqueue plan` still sizes the lines: the "
    "fewest that keep busy signals at most `max_blocking` (0.01) at the planned agents; its simulation then plays "
    "busy signals on them and `plan.csv` reports them. `cxqueue simulate` and `cxqueue hours` take unset lines as "
    "unlimited.",
    "hours": "Opening hours per weekday: a table `[hours.<weekday>]` for each of monday .. sunday, or "
    "`[hours.default]` for the days not named. Without `[hours]` the center is always open.",
    "hours.<weekday>": "One day's opening: `open` and `close`, or `closed = true`.",
    "hours_search": "Settings of the opening-hours search (`cxqueue hours`). Optional.",
    "shifts": "Shift templates the scheduler may use, each a table `[shifts.<name>]`. Optional: without "
    "shifts a plan gives agents per interval only. In a multi-skill center each group rosters from these (or "
    "from those its `[groups.<name>].shifts` names).",
    "shifts.<name>": "One shift template.",
    "shifts.<name>.breaks": "One break of a shift, an inline table in the `breaks` array.",
    "target": "What the staffing must achieve in each interval.",
    "staffing": "How agents per interval are computed.",
    "redials": "Callers who try again.",
    "callbacks": "Virtual hold. Without this table there are no callbacks.",
    "reserve": "Reserve agents who help while the queue is long (`cxqueue.scenario.Reserve`): in intervals with "
    "agents on duty, while all of them are busy and at least `queue_threshold` callers wait, up to `agents` "
    "reserve agents take the queue head; after a call a reserve agent takes the next only if that still "
    "holds. They are not scheduled or costed (another team's staff); the analytic models ignore them and the "
    "simulation includes them. Without this table there is no reserve.",
    "priority": "Caller classes and their head start in the queue.",
    "simulation": "The simulation that checks the plan.",
    "validation": "Replay a call history with its real arrivals and staffing and compare the simulated service "
    "level, ASA and abandonment per interval with the log (`cxqueue.replay.replay.replay_history`); the plan's "
    "summary reports the errors. Optional.",
    "output": "What `cxqueue plan` writes.",
    "call_types": "A multi-skill center's call types (menu options, languages), each a table `[call_types.<name>]`. "
    "With it the config is a multi-skill center (`PlanConfig.multiskill`, a `cxqueue.scenario.MultiSkillScenario`) "
    "and needs `[groups]`; `[demand]` then gives the interval grid and, for types given by `share`, the calls. See "
    '"Multi-skill centers" above.',
    "call_types.<name>": "One call type: exactly one of `calls`, `csv` or `share`; its handle time, patience, "
    "priority and target. Handle time and patience default to the `[handle]` and `[patience]` tables.",
    "groups": "The agent groups of a multi-skill center, each a table `[groups.<name>]`; required with "
    "`[call_types]`. Every call type must be among some group's skills.",
    "groups.<name>": "One agent group: its skills, agents on duty (what `cxqueue simulate` runs; `cxqueue plan` "
    "plans them), handle-time factors, chat concurrency, and the shift templates and cost of its agents for "
    "`cxqueue plan`.",
    "channels": "The channels of a multi-skill center besides voice calls (`cxqueue.scenario.channels`), each a "
    "table `[channels.<name>]`: `chat`, `email`.",
    "outbound": "Check-in calls of a multi-skill center (`cxqueue.scenario.Dialer`): how often a dial reaches the "
    "customer and how long one that does not takes. The tasks come from `[call_types.NAME].outbound`; `cxqueue "
    "simulate` reports their attempts (answered), `reached` and the share dialed by the due time.",
    "channels.email": 'Emails and tickets (call types with `channel = "email"`): deferrable work. They never hang '
    "up (patience keys are errors), arrive while the center is closed too, and an agent takes one only when no call "
    "of another channel it could take waits; what is open at the horizon is backlog. `cxqueue simulate` reports the "
    "share answered by the due time (the service level), the backlog and the emails `missed`.",
    "channels.chat": 'Chats (call types with `channel = "chat"`): how many an agent holds at once and how that '
    "lengthens them (`cxqueue.scenario.Chat`). A chat goes to the agent with the most chats that has room, else an "
    "idle one; with concurrency 1 a chat is a call.",
    "routing": "How calls and agents of a multi-skill center meet (`cxqueue.scenario.Routing`, whose docstring "
    "states the rules). Optional: by default a call tries every group with its skill and a free agent takes its "
    "types by priority, then the longest waiting.",
}


def markdown_tables() -> str:
    """The key tables of ``configs/README.md``, one section per config table.

    >>> print(markdown_tables().splitlines()[0])
    ### [center]
    """
    out = []
    for table, keys in SCHEMA.items():
        out.append(f"### [{table}]")
        out.append("")
        out.append(TABLE_DOCS[table])
        out.append("")
        if keys:
            out.append("| key | type | unit | default | meaning |")
            out.append("|---|---|---|---|---|")
            for k in keys.values():
                out.append(f"| `{k.name}` | {k.type_doc} | {k.unit_doc} | {k.default_doc} | {k.doc} |")
            out.append("")
    return "\n".join(out).rstrip() + "\n"
