"""All numba code of the analytic models, one module per concept.

* `erlang_b`: the Erlang B function (``1/B`` by its forward recursion, started near the
  load), lines for a blocking target, extended Erlang B, the load for a blocking target;
* `erlang_c`: the Erlang C metrics and their inverse (one upward walk of the recursion);
* `queue`: every metric of M/M/c/(c+K)+M by state-by-state sums, one metric at a time,
  and the redial fixed point;
* `search`: the inverses of the queue: agents for a goal, lines for a blocking target;
* `_jit`: the one numba policy of every kernel.

Conventions inside the kernels (the wrappers in ``cxqueue.analytic._core`` convert):

* time is measured in units of the mean handle time (mu = 1): ``A`` is the offered load in
  Erlangs, ``tt`` the answer-within threshold over AHT, ``th`` = AHT / mean patience
  (0 means no abandonment);
* ``c`` (agents) and ``n`` (lines) may be fractional: the Erlang B function is extended by
  its incomplete-gamma form, B(x, A) = A^x e^-A / Gamma(x + 1, A);
* kernels trust their input: the public boundary validated it;
* one type per argument everywhere: float64 numbers, int64 codes and counts, bool flags,
  flat C-contiguous writable float64 arrays. No argument has a default and no call passes
  an integer or boolean constant (numba would compile a literal-typed copy of the callee):
  codes and options travel as arguments from the Python caller, so that each kernel is
  compiled once per process and once per cache.

Numerics. ``y = 1/B`` obeys the stable forward recursion ``y_k = 1 + (k/A) y_(k-1)``. An
error in a starting value at ``k0`` reaches ``n`` damped by
``P(Poisson(A) <= k0) / P(Poisson(A) <= n)``, so the recursion starts at
``k0 = A - 7 sqrt(A)`` from the fluid value ``A/(A - k0)`` (error damped below 1e-11) and
costs O(sqrt(A) + n - A) steps instead of O(n). Four steps are fused per iteration so that
the dependency chain is one multiply-add per four steps. Queues with patience and/or a
finite number of lines are summed state by state over the waiting positions with a running
rescale (no overflow), and the negative-binomial form of the virtual waiting time
(derived in ``erlang_x``'s module docstring) gives the service levels exactly.
"""

# indices of the metrics vector filled by queue.queue_metrics (and the codes of single metrics)
M_BLOCK = 0  # P(busy signal), over offered calls
M_WAIT = 1  # P(admitted and waits > 0), over offered calls
M_ABANDON = 2  # P(abandon), over offered calls
M_SERVED = 3  # P(answered), over offered calls
M_SL_OFFERED = 4  # P(answered and wait <= t), over offered calls
M_SL_ANSWERED = 5  # the same over answered calls
M_SL_VIRTUAL = 6  # P(virtual wait <= t), over admitted calls
M_W_GT_T = 7  # P(actual wait > t), over offered calls
M_EW_ADMITTED = 8  # mean wait of admitted calls (served or abandoned), in AHT units
M_ASA = 9  # mean wait of answered calls, in AHT units
M_EQ = 10  # mean number waiting
M_OCC = 11  # occupancy: carried load / agents
M_SL_ADMITTED = 12  # P(answered and wait <= t), over admitted calls
N_METRICS = 13

# codes of the Erlang C metrics (erlang_c.metric) and of its inverse's goals (erlang_c.agents_for)
C_WAIT, C_SL, C_ASA, C_OCC = 0, 1, 2, 3
GOAL_SL, GOAL_ASA, GOAL_WAIT = 0, 1, 2
