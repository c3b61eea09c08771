"""Run a command with its stdout discarded and call a sampler on it every 0.1 s until it ends.

Shared by rss_split.py and tree_mem.py: each says what to read from /proc at a sample and
which sample to keep.
"""
import subprocess
import time


def run_sampled(argv, sample):
    """Start argv, call sample(pid) every 0.1 s while it runs; return its exit status.

    An OSError, KeyError or ValueError from sample means the process ended between two reads
    of /proc and is ignored."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    while proc.poll() is None:
        try:
            sample(proc.pid)
        except (OSError, KeyError, ValueError):
            pass
        time.sleep(0.1)
    return proc.returncode


def mib(kb):
    return "%.1f" % (kb / 1024)
