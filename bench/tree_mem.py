#!/usr/bin/env python3
"""Run a command and say how much memory its whole process tree holds at its peak.

usage: tree_mem.py CMD [ARG...]   (the command's stdout is discarded)

A scan's parser workers are child processes: /usr/bin/time and VmHWM see one process at a
time. Every 0.1 s this sums, over the command and its descendants, RSS (shared pages counted
once per process) and PSS (each shared page split between the processes that map it: the
honest total), from /proc/PID/smaps_rollup. Prints the peaks of both sums, and the processes
at the PSS peak. A sample can miss a short peak. MiB = 2^20 bytes.
"""
import glob
import sys

from sample import mib, run_sampled


def children(pid):
    out = []
    try:
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


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    peak = {"rss": 0, "pss": 0, "rows": []}

    def sample(pid):
        rows = []
        for p in tree(pid):
            r = rollup(p)
            if r:
                rows.append((p, r.get("Rss", 0), r.get("Pss", 0)))
        pss = sum(r[2] for r in rows)
        peak["rss"] = max(peak["rss"], sum(r[1] for r in rows))
        if pss > peak["pss"]:
            peak["pss"], peak["rows"] = pss, rows

    rc = run_sampled(sys.argv[1:], sample)
    peak_rss, peak_pss, at_peak = peak["rss"], peak["pss"], peak["rows"]
    print("process tree peak: RSS sum %s MiB, PSS sum %s MiB (%d processes at the PSS peak: %s)" % (
        mib(peak_rss), mib(peak_pss), len(at_peak),
        ", ".join("PSS %s" % mib(r[2]) for r in at_peak)))
    return rc


if __name__ == "__main__":
    sys.exit(main())
