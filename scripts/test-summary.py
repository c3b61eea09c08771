#!/usr/bin/env python3
"""Count test results from meson testlog.json files and print 'N passed, N failed'.

A test that prints TAP lines counts once per 'ok'/'not ok' line (a TAP test that
crashed after its last line also counts one failure); any other test counts once
by its result. Exits 1 when anything failed or nothing ran.
"""
import json
import re
import sys

TAP = re.compile(r"^(not ok|ok)\b(.*)$")


def count(path):
    passed = failed = 0
    try:
        lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    except OSError as e:
        print(f"test-summary: {path}: {e}", file=sys.stderr)
        return 0, 1
    for line in lines:
        if not line.strip():
            continue
        t = json.loads(line)
        out = t.get("stdout") or ""
        tap = [m for m in (TAP.match(l) for l in out.splitlines()) if m]
        result = t.get("result", "")
        if tap:
            for m in tap:
                skip = "# SKIP" in m.group(2).upper()
                if m.group(1) == "ok" or skip:
                    passed += 1
                else:
                    failed += 1
                    print(f"FAILED: {t.get('name')}: {m.group(0)}", file=sys.stderr)
            if result not in ("OK", "EXPECTEDFAIL", "SKIP") and not any(m.group(1) == "not ok" for m in tap):
                failed += 1
                print(f"FAILED: {t.get('name')}: exited {t.get('returncode')} ({result})", file=sys.stderr)
        elif result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        else:
            failed += 1
            print(f"FAILED: {t.get('name')}: {result}", file=sys.stderr)
    return passed, failed


def main():
    passed = failed = 0
    for path in sys.argv[1:]:
        p, f = count(path)
        passed += p
        failed += f
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
