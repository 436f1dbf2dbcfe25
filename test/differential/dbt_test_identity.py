"""dbt's naming and hashing of generic tests, on Python's own values: the oracle of test-identity.test.ts.

Reads one JSON object per line on stdin: {"id", "test_type", "target", "args", "name", "metadata"}
and writes one per line on stdout: {"id", "full", "short", "hash"}. The formulas are those of
dbt-core's parser (synthesize_generic_test_names, create_test_node), written out here so that the
str() and repr() they depend on are Python's, with no dbt installed.
"""
import hashlib
import json
import re
import sys


def md5(text):
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def names(test_type, target, args):
    parts = []
    for key in sorted(args):
        if key == "model":
            continue
        value = args[key]
        items = list(value.values()) if isinstance(value, dict) else list(value) if isinstance(value, list) else [value]
        parts.extend(str(item) for item in items)
    identifier = f"{test_type}_{target}"
    full = identifier + "_" + "__".join(re.sub("[^0-9a-zA-Z_]+", "_", part) for part in parts)
    short = full if len(full) < 64 else f"{identifier[:30]}_{md5(full)}"
    return full, short


def hashable(value):
    if type(value) is dict:
        return {key: hashable(value[key]) for key in sorted(value)}
    if type(value) is list:
        return [hashable(item) for item in value]
    return str(value)


def test_hash(name, metadata):
    """The 10 hex digits ending a generic test's unique id."""
    return md5(name + repr(hashable(metadata)))[-10:]


if __name__ == "__main__":
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        full, short = names(case["test_type"], case["target"], case["args"])
        name = case.get("name") or full
        print(json.dumps({"id": case["id"], "full": full, "short": short, "hash": test_hash(name, case["metadata"])}))
