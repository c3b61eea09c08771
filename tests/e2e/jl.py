#!/usr/bin/env python3
"""Query a scan JSONL from tests: jl.py FILE EXPR prints eval(EXPR) with `items` (every object
before the summary) and `summary` (the summary's inner object). jl.py FILE check validates that
every line is JSON, the last line is the only summary, and the verdict counts add up to items."""
import json
import sys

VERDICTS = ("illegal", "benign", "interest", "near", "unknown", "error")


def load(path):
    with open(path, "rb") as f:
        lines = f.read().decode("utf-8", "surrogateescape").splitlines()
    objs = [json.loads(l) for l in lines]
    if not objs or "summary" not in objs[-1]:
        raise SystemExit("no summary line at the end")
    items, summary = objs[:-1], objs[-1]["summary"]
    if any("summary" in o for o in items):
        raise SystemExit("summary line in the middle")
    return items, summary


def check(items, summary):
    problems = []
    if summary["items"] != len(items):
        problems.append(f"summary items {summary['items']} != {len(items)} lines")
    if sum(summary[v] for v in VERDICTS) != summary["items"]:
        problems.append("verdict counts do not add up to items")
    for v in VERDICTS:
        n = sum(1 for i in items if i["verdict"] == v)
        if n != summary[v]:
            problems.append(f"{v}: summary {summary[v]} != {n} items")
    for i in items:
        if i["verdict"] not in VERDICTS:
            problems.append(f"bad verdict {i['verdict']}")
        if (i["verdict"] == "error") != (i["error"] is not None) and i["verdict"] == "error":
            problems.append(f"error item without reason: {i['path']}")
    return problems


def main():
    items, summary = load(sys.argv[1])
    expr = sys.argv[2]
    if expr == "check":
        problems = check(items, summary)
        print("\n".join(problems) if problems else "ok")
        return 1 if problems else 0
    by_path = {i["path"]: i for i in items}
    print(eval(expr, {"items": items, "summary": summary, "by_path": by_path, "json": json}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
