#!/usr/bin/env python3
"""Runs the Spark driver in local mode and compares its summary.json with `uxchurn report`'s.

    python3 contrib/spark/test_spark.py UXCHURN_BINARY [GOLDEN_FOLDER]

Two cases: the golden logs with their configuration, and `uxchurn sample-logs` output split
into nine files (some gzip) with the generic preset. Counts must be equal, load-time
percentiles within 1%; any other difference fails. Exit 0 when both pass.
"""

import gzip
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PERCENTILE_KEYS = {"load_ms", "load_p95_ms"}


def differences(expected, actual, path="", tolerant=False):
    """Where two summaries differ: exact, except numbers under load_ms / load_p95_ms (1%)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for key in sorted(set(expected) | set(actual)):
            if key not in expected or key not in actual:
                out.append(f"{path}/{key}: only in {'expected' if key in expected else 'actual'}")
            else:
                out += differences(expected[key], actual[key], f"{path}/{key}", tolerant or key in PERCENTILE_KEYS)
        return out
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: {len(expected)} items, {len(actual)} in the Spark run"]
        return [d for i, (e, a) in enumerate(zip(expected, actual)) for d in differences(e, a, f"{path}[{i}]", tolerant)]
    numbers = (int, float)
    if tolerant and isinstance(expected, numbers) and isinstance(actual, numbers) and not isinstance(expected, bool):
        if abs(expected - actual) <= 0.01 * abs(expected):
            return []
    return [] if expected == actual else [f"{path}: {expected!r} != {actual!r}"]


def run(command, cwd):
    started = time.monotonic()
    result = subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {result.returncode}:\n{result.stderr[-3000:]}")
    return time.monotonic() - started


def compare(name, binary, inputs, config, cwd, partitions):
    options = ["-c", config] if config else []
    one = run([binary, "report", "--quiet"] + options + ["-o", "one"] + inputs, cwd)
    spark = run([sys.executable, os.path.join(HERE, "uxchurn_spark.py"), "--master", "local[2]", "--uxchurn", binary,
                 "--partitions", str(partitions), "--quiet"] + options + ["-o", "spark"] + inputs, cwd)
    expected = json.load(open(os.path.join(cwd, "one", "summary.json")))
    actual = json.load(open(os.path.join(cwd, "spark", "summary.json")))
    found = differences(expected, actual)
    if found:
        print(f"{name}: the Spark run differs from report:")
        for line in found[:20]:
            print("  " + line)
        return False
    print(f"{name}: Spark summary.json equals report's ({expected['input']['lines']} lines, "
          f"{expected['traffic']['sessions']} sessions, {len(inputs)} input(s), {partitions} partitions; "
          f"report {one:.1f} s, local Spark {spark:.1f} s)")
    return True


def split_sample(binary, folder):
    """sample-logs output cut into nine files, the oldest gzip, named as rotations."""
    run([binary, "sample-logs", "sample", "--days", "3", "--visitors", "600", "--seed", "7"], folder)
    lines = []
    for name in ["access.log.2.gz", "access.log.1", "access.log"]:
        path = os.path.join(folder, "sample", name)
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "rb") as f:
            lines.append(f.read().splitlines(keepends=True))
    os.mkdir(os.path.join(folder, "split"))
    rotation = 9
    for day in lines:
        size = (len(day) + 2) // 3
        for start in range(0, len(day), size):
            name = f"access.log.{rotation}.gz" if rotation > 6 else f"access.log.{rotation}"
            data = b"".join(day[start:start + size])
            with (gzip.open if name.endswith(".gz") else open)(os.path.join(folder, "split", name), "wb") as f:
                f.write(data)
            rotation -= 1
    return sorted(os.path.join("split", n) for n in os.listdir(os.path.join(folder, "split")))


def main():
    binary = os.path.abspath(sys.argv[1])
    golden = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "fixtures", "golden")
    ok = True
    with tempfile.TemporaryDirectory(prefix="uxchurn-spark-test-") as folder:
        os.mkdir(os.path.join(folder, "golden"))
        ok &= compare("golden logs", binary, [os.path.abspath(golden)], os.path.join(os.path.abspath(golden), "uxchurn.yml"),
                      os.path.join(folder, "golden"), 3)
        # `report` without a configuration fits one to the logs (map cannot: it reads once, in
        # parts); both get the built-in generic preset here, as the file `init` writes.
        run([binary, "init", "-o", "generic.yml"], folder)
        ok &= compare("sample-logs in 9 files", binary, split_sample(binary, folder), "generic.yml", folder, 4)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
