#!/usr/bin/env python3
"""uxchurn on Apache Spark: the same report folder as `uxchurn report`, from a cluster.

    python3 uxchurn_spark.py [--master local[2]] [--uxchurn PATH] [-c uxchurn.yml]
                             [--partitions N] [-o DIR] [REPORT OPTIONS...] LOGS...

1. `uxchurn map --plan LOGS` (on the driver) puts the inputs in reading order.
2. One map task per input runs `uxchurn map --rank R INPUT`: it reads the file itself (gzip
   or plain, format detected per file, physical line numbers), and writes one line per hit,
   keyed by the visitor's hash, plus an `#input` side record with the line counts.
3. The lines are partitioned by visitor hash and sorted within partitions, so each visitor's
   hits come together and no visitor is in two partitions. The side records sort first in
   partition 0; the driver reads them (one line per input) from there.
4. `uxchurn reduce --inputs SIDE_RECORDS` sessionizes each partition into one partial result
   whose visitors are counts (per day, per retention cohort, customers and churned against the
   period's end the side records give): its size depends on the days, page groups and funnels,
   not on the visitors.
5. The partials are merged in a tree on the executors (`treeReduce`, `uxchurn merge
   --partial`), and the one left is collected: `uxchurn merge` writes the report folder on the
   driver, thresholds and `--fail-on-breach` included. Its exit code is this script's.

With `--state`, a history needs one record per visitor: reduce then writes those, and the merged
partial the driver receives grows with the visitors (about 100 bytes each).

The uxchurn binary and the configuration are shipped to the workers with `SparkContext.addFile`;
the log files must be readable at the same path on every worker (a shared file system, or
local mode). Every analysis option of `uxchurn report` is taken, as `--opt value` or
`--opt=value`, and passed to the steps it belongs to: the format, time zone and `--from`/`--to`
window to each map task; `--to`, `--from`, the bad-line limits, the history (`--state`,
`--keep-days`, `--state-wait`), `--fail-on-breach`, `--junit`, `--templates`, `--quiet` and
`--max-memory` to `merge`. An unknown option is an error (exit 2), as in uxchurn.

A map task that cannot read its input (missing or unreadable on the executor) fails the job:
this script exits 3 naming the input, as `report` would. A gzip file cut short or corrupt is
not a failure: its lines before the fault count and `merge` reports it, as `report` does.
"""

import argparse
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading


# The options of `uxchurn report` this driver takes, and the steps each is passed to.
MAP, MERGE = "map", "merge"
VALUE_OPTIONS = [
    # (flags, steps, help)
    (["-f", "--format"], [MAP], "log format for every input (default: auto, per input)"),
    (["-j", "--jobs"], [MAP], "parser threads of each map task (default: the executor's processor count)"),
    (["--timezone"], [MAP, MERGE], "time zone of timestamps written without a UTC offset"),
    (["--from"], [MAP, MERGE], "keep hits from this date or date-time on"),
    (["--to"], [MAP, MERGE], "keep hits before this date or date-time"),
    (["--max-bad-lines"], [MERGE], "share of unparseable lines that stops the run with exit 3"),
    (["--max-memory"], [MERGE], "stop merge with exit 3 past this much memory"),
    (["--state"], [MERGE], "SQLite history for nightly runs"),
    (["--keep-days"], [MERGE], "with --state: keep only the newest N days"),
    (["--state-wait"], [MERGE], "with --state: seconds to wait for another run"),
    (["--junit"], [MERGE], "also write the threshold results as JUnit XML"),
    (["--templates"], [MERGE], "render with the templates of this folder"),
]
FLAG_OPTIONS = [
    (["--strict"], [MERGE], "any line that does not parse is an error (exit 3)"),
    (["--quiet"], [MERGE], "print nothing but errors"),
    (["--fail-on-breach"], [MERGE], "exit 1 when a threshold is breached, after writing"),
]


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--master", help="Spark master URL (default: spark-submit's, else local[*])")
    parser.add_argument("--uxchurn", default="uxchurn", help="the uxchurn binary (a path, or a name on PATH)")
    parser.add_argument("--partitions", type=int, help="reduce partitions (default: Spark's default parallelism)")
    parser.add_argument("-c", "--config", help="uxchurn.yml (default: ./uxchurn.yml if present, else built-in)")
    parser.add_argument("-o", "--out", default="uxchurn-report", help="report folder")
    for flags, _, help in VALUE_OPTIONS:
        parser.add_argument(*flags, help=help)
    for flags, _, help in FLAG_OPTIONS:
        parser.add_argument(*flags, action="store_true", help=help)
    parser.add_argument("inputs", nargs="+", help="log files or folders of rotated logs")
    arguments = parser.parse_args(argv)
    if arguments.config is None and os.path.exists("uxchurn.yml"):
        arguments.config = "uxchurn.yml"
    return arguments


def step_options(arguments, step):
    """The options given for `step` (map or merge), in uxchurn's own `--opt value` form."""
    options = []
    for flags, steps, _ in VALUE_OPTIONS:
        value = getattr(arguments, flags[-1][2:].replace("-", "_"))
        if step in steps and value is not None:
            options += [flags[-1], value]
    for flags, steps, _ in FLAG_OPTIONS:
        if step in steps and getattr(arguments, flags[-1][2:].replace("-", "_")):
            options.append(flags[-1])
    return options


def local_binary(name):
    path = name if os.sep in name else shutil.which(name)
    if not path or not os.access(path, os.X_OK):
        sys.exit(f"uxchurn_spark: {name}: no such executable (use --uxchurn PATH)")
    return os.path.abspath(path)


def shipped(name):
    """The worker's copy of a file the driver shipped with addFile (executable for the binary)."""
    from pyspark import SparkFiles

    path = SparkFiles.get(name)
    mode = os.stat(path).st_mode
    if not mode & stat.S_IXUSR:
        os.chmod(path, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


# The first words of a map task's failure, found again in Spark's exception on the driver.
UNREADABLE = "uxchurn_spark: cannot read input"


def map_task(binary_name, config_name, options):
    def run(items):
        binary = shipped(binary_name)
        config = ["-c", shipped(config_name)] if config_name else []
        for rank, name, path in items:
            command = [binary, "map", "--quiet", "--rank", str(rank), "--name", name] + config + options + [path]
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            errors = []
            reader = threading.Thread(target=lambda: errors.append(process.stderr.read()))
            reader.start()
            counted = False
            for line in process.stdout:
                text = line.decode("utf-8", "replace").rstrip("\n")
                counted = counted or text.startswith("#input\t")
                yield text
            code = process.wait()
            reader.join()
            message = b"".join(errors).decode("utf-8", "replace").strip()
            # Exit 3 after the input's counts (its side record) is a gzip fault: the lines before
            # it count and merge reports it. Exit 3 without them: the input could not be read.
            if code == 3 and not counted:
                raise RuntimeError(f"{UNREADABLE} {name} ({path}) on this executor: {message}")
            if code not in (0, 3):
                raise RuntimeError(f"uxchurn map {name} exited {code}: {message}")
    return run


def reduce_task(binary_name, config_name, sides, to):
    """`uxchurn reduce` over one partition; with `sides` (the job's #input records), its visitors
    are written as counts against the period's end these and `to` give."""
    def run(lines):
        binary = shipped(binary_name)
        options = ["-c", shipped(config_name)] if config_name else []
        folder = None
        if sides is not None:
            folder = tempfile.mkdtemp(prefix="uxchurn-reduce-")
            with open(os.path.join(folder, "inputs"), "w", encoding="utf-8") as out:
                out.write("".join(line + "\n" for line in sides))
            options += ["--inputs", os.path.join(folder, "inputs")] + (["--to", to] if to else [])
        try:
            yield from reduce_process(binary, options, lines)
        finally:
            if folder:
                shutil.rmtree(folder, ignore_errors=True)
    return run


def reduce_process(binary, options, lines):
    """The partial result `uxchurn reduce` writes for `lines`."""
    process = subprocess.Popen([binary, "reduce"] + options, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    output = []
    readers = [threading.Thread(target=lambda stream=stream: output.append((stream, stream.read())))
               for stream in (process.stdout, process.stderr)]
    for reader in readers:
        reader.start()
    for line in lines:
        process.stdin.write(line.encode("utf-8") + b"\n")
    process.stdin.close()
    code = process.wait()
    for reader in readers:
        reader.join()
    texts = {stream: data for stream, data in output}
    if code != 0:
        raise RuntimeError(f"uxchurn reduce exited {code}: {texts[process.stderr].decode('utf-8', 'replace')}")
    for partial in texts[process.stdout].decode("utf-8").splitlines():
        if partial.strip():
            yield partial


def partition_of(partitions):
    def partition(key):
        # Side records (#input) to the first partition; visitors by their hash.
        return 0 if key.startswith("#") else int(key[:8], 16) % partitions
    return partition


def side_records(index, pairs):
    """Partition 0's leading `#input` records (they sort before every visitor hash)."""
    if index != 0:
        return
    for key, line in pairs:
        if not key.startswith("#"):
            return
        yield line


def merge_task(binary_name, config_name):
    """Two partial results in, their sum out: one step of the tree of merges."""
    def merge(first, second):
        binary = shipped(binary_name)
        options = ["-c", shipped(config_name)] if config_name else []
        with tempfile.TemporaryDirectory(prefix="uxchurn-merge-") as folder:
            paths = []
            for index, partial in enumerate((first, second)):
                paths.append(os.path.join(folder, f"{index}.jsonl"))
                with open(paths[-1], "w", encoding="utf-8") as out:
                    out.write(partial + "\n")
            process = subprocess.run([binary, "merge", "--partial"] + options + paths,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if process.returncode != 0:
            raise RuntimeError(f"uxchurn merge --partial exited {process.returncode}: "
                               f"{process.stderr.decode('utf-8', 'replace').strip()}")
        return process.stdout.decode("utf-8").strip()
    return merge


def failure(error):
    """The line of a failed Spark job that says why, from the task's own exception."""
    text = str(error)
    for line in text.splitlines():
        if UNREADABLE in line or any(f"uxchurn {step}" in line for step in ("map", "reduce", "merge")):
            return line[line.find("uxchurn"):].strip()
    return text.strip().splitlines()[0] if text.strip() else repr(error)


def main(argv):
    arguments = parse_arguments(argv)
    binary = local_binary(arguments.uxchurn)
    config = ["-c", arguments.config] if arguments.config else []
    map_options = step_options(arguments, MAP)
    fmt = ["--format", arguments.format] if arguments.format else []
    plan = subprocess.run([binary, "map", "--plan"] + config + fmt + arguments.inputs,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if plan.returncode != 0:
        sys.stderr.write(plan.stderr)
        return plan.returncode
    # Each input keeps the name it was given (as `report` shows it) and is read by absolute path.
    inputs = [(rank, name, os.path.abspath(name)) for rank, name in enumerate(plan.stdout.splitlines()) if name]

    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("uxchurn")
    if arguments.master:
        builder = builder.master(arguments.master)
    spark = builder.getOrCreate()
    context = spark.sparkContext
    context.setLogLevel("ERROR")
    context.addFile(binary)
    binary_name = os.path.basename(binary)
    config_name = None
    if arguments.config:
        context.addFile(os.path.abspath(arguments.config))
        config_name = os.path.basename(arguments.config)
    partitions = arguments.partitions or context.defaultParallelism

    try:
        hits = context.parallelize(inputs, max(1, len(inputs))) \
            .mapPartitions(map_task(binary_name, config_name, map_options))
        grouped = hits.map(lambda line: (line.split("\t", 1)[0], line)) \
            .repartitionAndSortWithinPartitions(numPartitions=partitions, partitionFunc=partition_of(partitions))
        # A history keeps one record per visitor: only without one are visitors counted.
        sides = None if arguments.state else grouped.mapPartitionsWithIndex(side_records).collect()
        partials = grouped.values().mapPartitions(reduce_task(binary_name, config_name, sides, arguments.to))
        partial = partials.treeReduce(merge_task(binary_name, config_name), depth=2)
    except Exception as error:  # a task failed on every attempt: the job has no whole result
        sys.stderr.write(f"uxchurn_spark: error: the Spark job failed: {failure(error)}\n")
        spark.stop()
        return 3
    spark.stop()

    with tempfile.TemporaryDirectory(prefix="uxchurn-spark-") as folder:
        path = os.path.join(folder, "partials.jsonl")
        with open(path, "w", encoding="utf-8") as out:
            out.write(partial + "\n")
        merge = subprocess.run([binary, "merge"] + config + ["-o", arguments.out] + step_options(arguments, MERGE) + [path])
    return merge.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
