"""``python -m cxqueue``: the ``cxqueue`` command."""

from cxqueue.cli import console

if __name__ == "__main__":
    console()
