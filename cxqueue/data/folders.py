"""Output folders written whole or not at all, and replaced only when cxqueue wrote them.

A run that writes a folder (``cxqueue plan``'s report) goes through `OutputFolder`:

- before the work, `OutputFolder.claim` checks the target and takes a lock on it, so a
  second run to the same folder is refused at once, not raced (the lock is an advisory
  ``flock`` on a hidden ``.NAME.lock`` file beside the folder; the system releases it when
  the process ends, however it ends);
- an existing folder is replaced only with ``force`` *and* when it holds the marker file
  `MARKER` that cxqueue writes into every folder it makes: ``--force`` never deletes a
  folder of someone else's, nor the working folder or one of its parents;
- the content is written into a hidden sibling ``.NAME.tmp-XXXX`` (the marker first) and
  renamed into place at the end (`OutputFolder.writing`): a failed run leaves nothing at
  the target, and an old folder is removed only once the new one is in place;
- hidden temporary folders left by a killed run are removed by the next run that claims
  the same name (it holds the lock, so no live run owns them).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from cxqueue.exceptions import ConfigError

try:  # POSIX; elsewhere the lock is an exclusive-create file holding the owner's pid
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

__all__ = ["MARKER", "OutputFolder"]

#: the file cxqueue writes into every output folder it makes; ``force`` replaces only those
MARKER = ".cxqueue-output"


class OutputFolder:
    """A folder that one run writes atomically (see the module docstring).

    Parameters
    ----------
    folder : path
        The folder to create (its parent is created when missing).
    force : bool
        Replace an existing folder, if cxqueue wrote it.
    kind : str
        What the folder holds ("plan"); written into the marker.

    Examples
    --------
    >>> import tempfile
    >>> base = Path(tempfile.mkdtemp())
    >>> with OutputFolder(base / "plan", kind="plan") as out, out.writing() as tmp:
    ...     _ = (tmp / "plan.csv").write_text("interval,agents\\n")
    >>> sorted(p.name for p in (base / "plan").iterdir())
    ['.cxqueue-output', 'plan.csv']
    """

    def __init__(self, folder, *, force: bool = False, kind: str = "plan") -> None:
        self.folder = Path(folder)
        self.force = bool(force)
        self.kind = kind
        self._lock_fd: int | None = None
        self._lock_path = self.folder.parent / f".{self.folder.name}.lock"

    # -- claim and release ------------------------------------------------------------
    def claim(self) -> OutputFolder:
        """Check the target and lock it for this run; raise `ConfigError` when it may not be written."""
        if self._lock_fd is not None:
            return self
        target = self.folder.absolute()
        if not self.folder.name or self.folder.name in (".", ".."):
            raise ConfigError(f"output folder {self.folder} must name a new folder, not '.' or '..'")
        cwd = Path.cwd().resolve()
        if target.resolve() == cwd or target.resolve() in cwd.parents:
            raise ConfigError(
                f"output folder {self.folder} is the working folder or one of its parents; choose a new folder"
            )
        self._check()  # fail early, before taking the lock
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        self._lock()
        try:
            self._check()  # again under the lock: another run may have finished meanwhile
            self._remove_stale()
        except BaseException:
            self.release()
            raise
        return self

    def release(self) -> None:
        """Give up the lock (idempotent)."""
        if self._lock_fd is None:
            return
        fd, self._lock_fd = self._lock_fd, None
        try:
            self._lock_path.unlink(missing_ok=True)
        finally:
            os.close(fd)

    def __enter__(self) -> OutputFolder:
        return self.claim()

    def __exit__(self, *exc) -> None:
        self.release()

    # -- writing ----------------------------------------------------------------------
    @contextmanager
    def writing(self):
        """Yield a temporary folder to fill; on success it becomes the output folder.

        The marker is written first, so a folder left by a killed run is known as cxqueue's.
        On an error the temporary folder is removed and the target is left as it was.
        """
        self.claim()
        tmp = Path(tempfile.mkdtemp(prefix=f".{self.folder.name}.tmp-", dir=self.folder.parent))
        try:
            from cxqueue import __version__

            stamp = {"kind": self.kind, "cxqueue_version": __version__, "pid": os.getpid(), "created": time.time()}
            (tmp / MARKER).write_text(json.dumps(stamp) + "\n")
            yield tmp
            self._check()
            old = None
            if self.folder.exists():
                old = self.folder.with_name(f".{self.folder.name}.old-{os.getpid()}")
                os.replace(self.folder, old)
            os.replace(tmp, self.folder)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    # -- internals --------------------------------------------------------------------
    def _check(self) -> None:
        f = self.folder
        if f.is_symlink() or (f.exists() and not f.is_dir()):
            raise ConfigError(f"output folder {f} exists and is not a folder; choose another path")
        if not f.exists():
            return
        if not self.force:
            raise ConfigError(f"output folder {f} exists; pass --force to replace it")
        if not (f / MARKER).is_file():
            raise ConfigError(
                f"output folder {f} exists and was not written by cxqueue (it holds no {MARKER} file); "
                "--force replaces only cxqueue's own folders: remove it yourself or choose another folder"
            )

    def _lock(self) -> None:
        busy = ConfigError(
            f"output folder {self.folder} is being written by another cxqueue run; wait or choose another"
        )
        if fcntl is None:  # pragma: no cover - Windows
            try:
                self._lock_fd = os.open(self._lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                raise busy from None
            return
        for _ in range(10):
            fd = os.open(self._lock_path, os.O_CREAT | os.O_RDWR, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise busy from None
            # the holder before us may have unlinked the file after we opened it: then our
            # lock is on a file nobody else will find, and we take the one at the path again
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self._lock_path))
            except FileNotFoundError:
                same = False
            if same:
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
                self._lock_fd = fd
                return
            os.close(fd)
        raise busy  # pragma: no cover - ten lost races in a row

    def _remove_stale(self) -> None:
        """Hidden temporary and old folders of this name: left by a killed run (we hold the lock)."""
        name = self.folder.name
        for pattern in (f".{name}.tmp-*", f".{name}.old-*"):
            for p in self.folder.parent.glob(pattern):
                if p.is_dir() and not p.is_symlink() and ((p / MARKER).is_file() or not any(p.iterdir())):
                    shutil.rmtree(p, ignore_errors=True)
