#!/usr/bin/env python3
"""Run a command and say how much memory its whole process tree holds at its peak.

usage: tree_mem.py CMD [ARG...]   (the command's stdout is discarded)

A scan's parser workers are child processes: /usr/bin/time and VmHWM see one process at a
time. Every 0.1 s this sums, over the command and its descendants, RSS (shared pages counted
once per process) and PSS (each shared page split between the processes that map it: the
honest total), from /proc/PID/smaps_rollup. Prints the peaks of both sums, and the processes
at the PSS peak. A sample can miss a short peak. MiB = 2^20 bytes.
"""
import subprocess
import sys
import time


def children(pid):
    out = []
    try:
        import glob
        for path in glob.glob("/proc/%d/task/*/children" % pid):
            with open(path) as f:
                out += [int(p) for p in f.read().split()]
    except OSError:
        pass
    return out


def tree(pid):
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += children(p)
    return seen


def rollup(pid):
    vals = {}
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                key, _, val = line.partition(":")
                if key in ("Rss", "Pss"):
                    vals[key] = int(val.split()[0])
    except OSError:
        return None
    return vals


def mib(kb):
    return "%.1f" % (kb / 1024)


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
    peak_rss, peak_pss, at_peak = 0, 0, []
    while proc.poll() is None:
        rows = []
        for p in tree(proc.pid):
            r = rollup(p)
            if r:
                rows.append((p, r.get("Rss", 0), r.get("Pss", 0)))
        rss = sum(r[1] for r in rows)
        pss = sum(r[2] for r in rows)
        peak_rss = max(peak_rss, rss)
        if pss > peak_pss:
            peak_pss, at_peak = pss, rows
        time.sleep(0.1)
    print("process tree peak: RSS sum %s MiB, PSS sum %s MiB (%d processes at the PSS peak: %s)" % (
        mib(peak_rss), mib(peak_pss), len(at_peak),
        ", ".join("PSS %s" % mib(r[2]) for r in at_peak)))
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
