#!/usr/bin/env python3
"""uxchurn on Apache Spark: the same report folder as `uxchurn report`, from a cluster.

    python3 uxchurn_spark.py [--master local[2]] [--uxchurn PATH] [-c uxchurn.yml]
                             [--partitions N] [-o DIR] [MERGE OPTIONS...] LOGS...

1. `uxchurn map --plan LOGS` (on the driver) puts the inputs in reading order.
2. One map task per input runs `uxchurn map --rank R INPUT`: it reads the file itself (gzip
   or plain, format detected per file, physical line numbers), and writes one line per hit,
   keyed by the visitor's hash, plus an `#input` side record with the line counts.
3. The lines are partitioned by visitor hash and sorted within partitions, so each visitor's
   hits come together; `uxchurn reduce` sessionizes each partition into one partial result.
4. The partials are collected to the driver and `uxchurn merge` writes the report folder,
   thresholds and `--fail-on-breach` included. Its exit code is this script's.

The uxchurn binary and the configuration are shipped to the workers with `SparkContext.addFile`;
the log files must be readable at the same path on every worker (a shared file system, or
local mode). Options this script does not know (`--fail-on-breach`, `--junit FILE`, `--to`,
`--state FILE`, `--max-bad-lines R`, `--templates DIR`, `--quiet`) are passed to `uxchurn merge`.
"""

import argparse
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--master", help="Spark master URL (default: spark-submit's, else local[*])")
    parser.add_argument("--uxchurn", default="uxchurn", help="the uxchurn binary (a path, or a name on PATH)")
    parser.add_argument("-c", "--config", help="uxchurn.yml (default: ./uxchurn.yml if present, else built-in)")
    parser.add_argument("-f", "--format", help="log format for every input (default: auto, per input)")
    parser.add_argument("--partitions", type=int, help="reduce partitions (default: Spark's default parallelism)")
    parser.add_argument("-o", "--out", default="uxchurn-report", help="report folder")
    parser.add_argument("inputs", nargs="+", help="log files or folders of rotated logs")
    arguments, merge_options = parser.parse_known_args(argv)
    if arguments.config is None and os.path.exists("uxchurn.yml"):
        arguments.config = "uxchurn.yml"
    return arguments, merge_options


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


def map_task(binary_name, config_name, fmt):
    def run(items):
        binary = shipped(binary_name)
        options = ["-c", shipped(config_name)] if config_name else []
        if fmt:
            options += ["--format", fmt]
        for rank, name, path in items:
            command = [binary, "map", "--quiet", "--rank", str(rank), "--name", name] + options + [path]
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            errors = []
            reader = threading.Thread(target=lambda: errors.append(process.stderr.read()))
            reader.start()
            for line in process.stdout:
                yield line.decode("utf-8", "replace").rstrip("\n")
            code = process.wait()
            reader.join()
            # Exit 3 with lines read is a gzip fault: the side record carries it to merge.
            if code not in (0, 3):
                raise RuntimeError(f"uxchurn map {path} exited {code}: {b''.join(errors).decode('utf-8', 'replace')}")
    return run


def reduce_task(binary_name, config_name):
    def run(lines):
        binary = shipped(binary_name)
        options = ["-c", shipped(config_name)] if config_name else []
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
    return run


def partition_of(partitions):
    def partition(key):
        # Side records (#input) to the first partition; visitors by their hash.
        return 0 if key.startswith("#") else int(key[:8], 16) % partitions
    return partition


def main(argv):
    arguments, merge_options = parse_arguments(argv)
    binary = local_binary(arguments.uxchurn)
    config = ["-c", arguments.config] if arguments.config else []
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
    context.setLogLevel("WARN")
    context.addFile(binary)
    binary_name = os.path.basename(binary)
    config_name = None
    if arguments.config:
        context.addFile(os.path.abspath(arguments.config))
        config_name = os.path.basename(arguments.config)
    partitions = arguments.partitions or context.defaultParallelism

    hits = context.parallelize(inputs, max(1, len(inputs))) \
        .mapPartitions(map_task(binary_name, config_name, arguments.format))
    grouped = hits.map(lambda line: (line.split("\t", 1)[0], line)) \
        .repartitionAndSortWithinPartitions(numPartitions=partitions, partitionFunc=partition_of(partitions))
    partials = grouped.values().mapPartitions(reduce_task(binary_name, config_name)).collect()
    spark.stop()

    with tempfile.TemporaryDirectory(prefix="uxchurn-spark-") as folder:
        path = os.path.join(folder, "partials.jsonl")
        with open(path, "w", encoding="utf-8") as out:
            for partial in partials:
                out.write(partial + "\n")
        merge = subprocess.run([binary, "merge"] + config + ["-o", arguments.out] + merge_options + [path])
    return merge.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
