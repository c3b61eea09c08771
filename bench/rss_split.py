#!/usr/bin/env python3
"""Run a command and say what its peak resident memory is made of.

usage: rss_split.py CMD [ARG...]   (the command's stdout is discarded)

Samples /proc/PID/status every 0.1 s. At the sample with the most resident memory
it reads /proc/PID/smaps and splits it into anonymous memory (heap, thread arenas,
buffers) and file-backed pages (mapped hash-set segments, libmagic's database,
libraries). File-backed pages are clean page cache shared with every other reader
of those files, but they count in RSS. A sample can miss a short peak: VmHWM, the
kernel's own peak, is printed beside it.
"""
import re
import sys

from sample import mib, run_sampled


def status(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, val = line.partition(":")
            if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem"):
                out[key] = int(val.split()[0])
    return out


def file_mappings(pid):
    """Resident kB per mapped file (by base name; segments grouped as *.seg)."""
    per, name = {}, None
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                parts = line.split()
                name = parts[5] if len(parts) > 5 and parts[5].startswith("/") else None
                if name:
                    name = name.rsplit("/", 1)[-1]
                    if name.endswith(".seg"):
                        name = "hash-set segments (*.seg)"
                    elif ".so" in name:
                        name = "shared libraries"
            elif name and line.startswith("Rss:"):
                per[name] = per.get(name, 0) + int(line.split()[1])
    return per


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    peak = {"best": None, "hwm": 0, "maps": {}}

    def sample(pid):
        s = status(pid)
        peak["hwm"] = max(peak["hwm"], s.get("VmHWM", 0))
        if peak["best"] is None or s["VmRSS"] > peak["best"]["VmRSS"]:
            peak["best"], peak["maps"] = s, file_mappings(pid)

    rc = run_sampled(sys.argv[1:], sample)
    best, hwm, maps = peak["best"], peak["hwm"], peak["maps"]
    if rc != 0:
        print("rss_split: command exited with status %d" % rc, file=sys.stderr)
    if not best:
        print("no sample taken (the command ended at once)")
        return 1
    print("VmHWM %s MiB; largest sample %s MiB = anonymous %s + file-backed %s + shmem %s"
          % (mib(hwm), mib(best["VmRSS"]), mib(best["RssAnon"]), mib(best["RssFile"]), mib(best["RssShmem"])))
    print("file-backed at that sample: " + ", ".join(
        "%s %s MiB" % (k, mib(v)) for k, v in sorted(maps.items(), key=lambda kv: -kv[1]) if v >= 512))
    return 0


if __name__ == "__main__":
    sys.exit(main())
