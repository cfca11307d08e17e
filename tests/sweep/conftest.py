"""Make tests/sweep/sweep_points.py importable as ``sweep_points`` however pytest imports the tests.

Worker processes get it too: the process pool inherits sys.path by fork, Dask's spawned
workers receive it with their preparation data, and subprocess tests set PYTHONPATH.
"""

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
