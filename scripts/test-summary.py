#!/usr/bin/env python3
"""Count test results from meson testlog.json files and print 'N passed, N failed, N skipped'.

A test that prints TAP lines counts once per 'ok'/'not ok' line (a TAP test that
crashed after its last line also counts one failure); a line with a '# SKIP reason'
directive counts as skipped, whether 'ok' or 'not ok'. Any other test counts once by
its result. The skipped tests and their reasons are listed above the last line; a skip
that gives no reason is a failure. Exits 1 when anything failed or nothing ran.
"""
import json
import re
import sys

TAP = re.compile(r"^(not ok|ok)\b(.*)$")
SKIP = re.compile(r"#\s*skip\b[:\s]*(.*)$", re.IGNORECASE)


def count(path, skips):
    passed = failed = skipped = 0
    try:
        lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    except OSError as e:
        print(f"test-summary: {path}: {e}", file=sys.stderr)
        return 0, 1, 0
    for line in lines:
        if not line.strip():
            continue
        t = json.loads(line)
        name = t.get("name")
        out = t.get("stdout") or ""
        tap = [m for m in (TAP.match(l) for l in out.splitlines()) if m]
        result = t.get("result", "")
        if tap:
            for m in tap:
                s = SKIP.search(m.group(2))
                if s and s.group(1).strip():
                    skipped += 1
                    skips.append(f"{name}: {m.group(2).strip()}")
                elif s:
                    failed += 1
                    print(f"FAILED: {name}: {m.group(0)} (a skip must give its reason)", file=sys.stderr)
                elif m.group(1) == "ok":
                    passed += 1
                else:
                    failed += 1
                    print(f"FAILED: {name}: {m.group(0)}", file=sys.stderr)
            if result not in ("OK", "EXPECTEDFAIL", "SKIP") and not any(m.group(1) == "not ok" for m in tap):
                failed += 1
                print(f"FAILED: {name}: exited {t.get('returncode')} ({result})", file=sys.stderr)
        elif result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":   # exit status 77 and no TAP: the reason is what it printed
            reason = (out.strip().splitlines() or [""])[-1].strip()
            if reason:
                skipped += 1
                skips.append(f"{name}: # SKIP {reason}")
            else:
                failed += 1
                print(f"FAILED: {name}: skipped without saying why", file=sys.stderr)
        else:
            failed += 1
            print(f"FAILED: {name}: {result}", file=sys.stderr)
    return passed, failed, skipped


def main():
    passed = failed = skipped = 0
    skips = []
    for path in sys.argv[1:]:
        p, f, s = count(path, skips)
        passed += p
        failed += f
        skipped += s
    for s in skips:
        print(f"SKIPPED: {s}")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
