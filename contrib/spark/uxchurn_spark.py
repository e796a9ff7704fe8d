#!/usr/bin/env python3
"""uxchurn on Apache Spark: the same report folder as `uxchurn report`, from a cluster.

    python3 uxchurn_spark.py [--master local[2]] [--uxchurn PATH] [-c uxchurn.yml]
                             [--partitions N] [-o DIR] [REPORT OPTIONS...] LOGS...

1. `uxchurn map --plan` (on the driver) puts the inputs in reading order. A Hadoop path
   (hdfs://, s3a://, gs://, file://; a folder or a glob) is listed through Spark's file systems
   and ordered by a local copy of each file's first megabyte.
2. One map task per input runs `uxchurn map --rank R`: on a local path it reads the file itself;
   a Hadoop path's bytes are read by Spark (`binaryFiles`) and given on standard input. Either
   way gzip or plain, format detected per file, physical line numbers. A plain file larger than
   --split-size is read in parts by as many tasks (`uxchurn map --part K`): byte ranges of a
   local file, Hadoop's line splits of a Hadoop path's. It writes one line per
   hit, keyed by the visitor's hash, plus an `#input` side record with the line counts.
3. The lines are partitioned by visitor hash and sorted within partitions, so each visitor's
   hits come together and no visitor is in two partitions. The side records go to a partition
   of their own, which the driver reads alone (one line per input).
4. `uxchurn reduce --inputs SIDE_RECORDS` sessionizes each partition into one partial result
   whose visitors are counts (per day, per retention cohort, customers and churned against the
   period's end the side records give): its size depends on the days, page groups and funnels,
   not on the visitors.
5. The partials are merged in a tree on the executors, four at a time (`uxchurn merge
   --partial`), and the one left is collected: `uxchurn merge` writes the report folder on the
   driver, thresholds and `--fail-on-breach` included. Its exit code is this script's.

With `--state`, a history needs one record per visitor: reduce then writes those, and the merged
partial the driver receives grows with the visitors (about 250 bytes each).

The uxchurn binary, the shared libraries it needs beyond glibc and the configuration are
shipped to the executors with `SparkContext.addFile`: an executor needs nothing installed. Local
paths must be readable at the same path on every executor (a shared file system, or local
mode); Hadoop paths need no more than Spark does. Every analysis option of `uxchurn report` is taken, as `--opt value` or
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


def size_in_bytes(text):
    """A size such as 256M, 1G or 65536 (bytes)."""
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    try:
        value = int(text[:-1]) * units[text[-1].upper()] if text and text[-1].upper() in units else int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"takes a size such as 256M or 1G, not '{text}'")
    return value


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--master", help="Spark master URL (default: spark-submit's, else local[*])")
    parser.add_argument("--uxchurn", default="uxchurn", help="the uxchurn binary (a path, or a name on PATH)")
    parser.add_argument("--partitions", type=int, help="reduce partitions (default: Spark's default parallelism)")
    parser.add_argument("-c", "--config", help="uxchurn.yml (default: ./uxchurn.yml if present, else built-in)")
    parser.add_argument("-o", "--out", default="uxchurn-report", help="report folder")
    parser.add_argument("--split-size", type=size_in_bytes, default="256M", metavar="SIZE",
                        help="plain files larger than this are read in parts of this size by as many tasks "
                             "(default 256M)")
    parser.add_argument("--partial", metavar="FILE",
                        help="also keep the merged partial result the driver received (uxchurn merge FILE renders it again)")
    for flags, _, help in VALUE_OPTIONS:
        parser.add_argument(*flags, help=help)
    for flags, _, help in FLAG_OPTIONS:
        parser.add_argument(*flags, action="store_true", help=help)
    parser.add_argument("inputs", nargs="+", help="log files or folders of rotated logs")
    arguments = parser.parse_args(argv)
    if arguments.partitions is not None and arguments.partitions < 1:
        parser.error(f"--partitions takes 1 or more, not {arguments.partitions}")
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


# glibc's own libraries: every Linux machine has them (the binary needs one as new as the driver's).
GLIBC = ("linux-vdso", "libc.so", "libm.so", "ld-linux", "libpthread.so", "libdl.so", "librt.so", "libresolv.so",
         "libutil.so")


def libraries(binary):
    """The shared libraries the binary needs beyond glibc, where the driver's loader finds them
    (ISA-L, SQLite, zlib, RE2, the C++ runtime): shipped with the binary, so an executor needs
    nothing installed."""
    listed = subprocess.run(["ldd", binary], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    found = []
    for line in listed.stdout.splitlines():
        name, arrow, rest = line.strip().partition(" => ")
        path = rest.split(" (", 1)[0].strip()
        if arrow and path.startswith("/") and not name.startswith(GLIBC):
            found.append((name, path))
    return found


def ship_libraries(context, binary, folder):
    """Ships `libraries(binary)` to the executors under the names the loader looks for (Spark
    would name a symbolic link's copy after its target: libisal.so.2.0.30, not libisal.so.2)."""
    for name, path in libraries(binary):
        copy = os.path.join(folder, name)
        shutil.copyfile(path, copy)
        context.addFile(copy)


def executor_environment():
    """The environment uxchurn runs in on an executor: the libraries shipped with it first."""
    from pyspark import SparkFiles

    environment = dict(os.environ)
    shipped_folder = SparkFiles.getRootDirectory()
    environment["LD_LIBRARY_PATH"] = shipped_folder + (":" + environment["LD_LIBRARY_PATH"] if environment.get("LD_LIBRARY_PATH") else "")
    return environment


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


def map_runner(binary_name, config_name, options):
    """A function that runs `uxchurn map` on one input and yields its lines: reading the file at
    `path` itself (`chunks` None), or the bytes of `chunks` on standard input (a Hadoop file's,
    or a byte range's, `--part part` of its file)."""
    def run(rank, name, path, chunks, part):
        binary = shipped(binary_name)
        config = ["-c", shipped(config_name)] if config_name else []
        command = [binary, "map", "--quiet", "--rank", str(rank), "--name", name] + config + options
        command += [path] if chunks is None else (["--part", str(part)] if part is not None else []) + ["-"]
        process = subprocess.Popen(command, stdin=None if chunks is None else subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=executor_environment())
        errors = []
        reading = []  # what went wrong reading the input, while map waits for it
        threads = [threading.Thread(target=lambda: errors.append(process.stderr.read()))]
        if chunks is not None:
            def feed():
                try:
                    for chunk in chunks:
                        process.stdin.write(chunk)
                except BrokenPipeError:  # map stopped early: its exit code says why
                    pass
                except Exception as error:
                    reading.append(error)
                finally:
                    try:
                        process.stdin.close()  # map sees the end of its input, whatever happened
                    except BrokenPipeError:
                        pass
            threads.append(threading.Thread(target=feed))
        for thread in threads:
            thread.start()
        counted = False
        for line in process.stdout:
            text = line.decode("utf-8", "replace").rstrip("\n")
            counted = counted or text.startswith("#input\t")
            yield text
        code = process.wait()
        for thread in threads:
            thread.join()
        message = b"".join(errors).decode("utf-8", "replace").strip()
        if reading:
            raise RuntimeError(f"{UNREADABLE} {name} ({path}) on this executor: {reading[0]}")
        # Exit 3 after the input's counts (its side record) is a gzip fault: the lines before
        # it count and merge reports it. Exit 3 without them: the input could not be read.
        if code == 3 and not counted:
            raise RuntimeError(f"{UNREADABLE} {name} ({path}) on this executor: {message}")
        if code not in (0, 3):
            raise RuntimeError(f"uxchurn map {name} exited {code}: {message}")
    return run


def map_task(run_map):
    """`uxchurn map` over each (rank, name, path, source, part) item. `source` is None: uxchurn
    reads the file at `path` itself; bytes: a Hadoop path's content, read by Spark; (start, end):
    the lines of a large plain file that start in that byte range, read here, `--part part` of
    its file."""
    def run(items):
        for rank, name, path, source, part in items:
            chunks = None
            if isinstance(source, bytes):
                chunks = iter([source])
            elif source is not None:
                try:
                    chunks = range_chunks(path, *source)
                except OSError as error:
                    raise RuntimeError(f"{UNREADABLE} {name} ({path}) on this executor: {error.strerror or error}")
            yield from run_map(rank, name, path, chunks, part)
    return run


def range_chunks(path, start, end, size=1 << 20):
    """The lines of a file that start in the byte range [start, end), as chunks of bytes: a line
    belongs to the range it starts in, so every line is in exactly one range.
    The file is opened here, so a missing one fails before uxchurn starts."""
    file = open(path, "rb")

    def chunks():
        with file:
            if start > 0:
                file.seek(start - 1)
                if file.read(1) != b"\n":
                    file.readline()  # the line under way at `start` belongs to the range before
            left = end - file.tell()
            last = b"\n"
            while left > 0:
                data = file.read(min(size, left))
                if not data:
                    return
                left -= len(data)
                last = data[-1:]
                yield data
            if last != b"\n":
                yield file.readline()  # the line under way at `end` is this range's last
    return chunks()


def splittable(head):
    """Whether a file that starts with `head` can be read in parts: not gzip, and not a W3C or
    IIS log, whose `#Fields:` directive names the columns of the lines after it."""
    return not head.startswith(b"\x1f\x8b") and not head.startswith(b"#")


def plain_ranges(path, split_size):
    """Byte ranges of `split_size` for a splittable file larger than that, else None."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as file:
            head = file.read(2)
    except OSError:
        return None  # the map task says why it cannot read it
    if not splittable(head) or size <= split_size:
        return None
    return [(start, min(start + split_size, size)) for start in range(0, size, split_size)]


def is_hadoop_path(name):
    """hdfs://, s3a://, gs://, file:// …: read through Spark, not by uxchurn on the executor."""
    return "://" in name


def hadoop_files(context, name):
    """What a Hadoop path names: (True, a folder's files) — uxchurn picks the logs among them as
    in a local folder — or (False, the file itself, or a glob's matches); files as (path, size)."""
    jvm = context._jvm
    path = jvm.org.apache.hadoop.fs.Path(name)
    system = path.getFileSystem(context._jsc.hadoopConfiguration())
    statuses = system.globStatus(path)
    if not statuses:
        raise InputError(f"{name}: no such file or folder")
    if len(statuses) == 1 and statuses[0].isDirectory():
        children = system.listStatus(statuses[0].getPath())
        return True, [(child.getPath().toString(), child.getLen()) for child in children if child.isFile()]
    return False, [(status.getPath().toString(), status.getLen()) for status in statuses if status.isFile()]


HEAD_BYTES = 1 << 20


def hadoop_head(context, name):
    """The first megabyte of a Hadoop file, read on the driver: enough for uxchurn to detect its
    format and first timestamp (its place in the reading order)."""
    jvm = context._jvm
    path = jvm.org.apache.hadoop.fs.Path(name)
    stream = path.getFileSystem(context._jsc.hadoopConfiguration()).open(path)
    try:
        return bytes(stream.readNBytes(HEAD_BYTES))  # a byte[] comes back to Python by value
    finally:
        stream.close()


class InputError(Exception):
    """An input the driver cannot plan: its message, and the exit code (3 unless uxchurn's own)."""


def java_message(error):
    """The Java exception's own line out of Py4J's text."""
    for line in str(error).splitlines():
        if "Exception:" in line:
            return line.split("Exception:", 1)[1].strip() or line.strip()
    return str(error).strip().splitlines()[0] if str(error).strip() else repr(error)


def plan(binary, config, fmt, names, context):
    """The inputs in reading order as (rank, name, path, hadoop): `uxchurn map --plan` orders
    local paths itself, and Hadoop paths by a local copy of each file's first megabyte. `hadoop`
    is None for a local path, else (size, whole: gzip or another file not to split)."""
    with tempfile.TemporaryDirectory(prefix="uxchurn-plan-") as folder:
        arguments = []
        heads = {}
        for index, name in enumerate(names):
            if not is_hadoop_path(name):
                arguments.append(name)
                continue
            try:
                is_folder, files = hadoop_files(context, name)
            except InputError:
                raise
            except Exception as error:  # Py4J's: no file system for the scheme, no access, …
                raise InputError(f"{name}: cannot list it: {java_message(error)}")
            # A folder per argument keeps the files' names (their rotation numbers) and a
            # Hadoop folder a folder, so uxchurn picks its logs as it would locally.
            place = os.path.join(folder, str(index))
            os.makedirs(place)
            for number, (uri, size) in enumerate(files):
                base = uri.rstrip("/").rsplit("/", 1)[-1]
                copy = os.path.join(place, base) if is_folder else os.path.join(place, str(number), base)
                os.makedirs(os.path.dirname(copy), exist_ok=True)
                try:
                    head = hadoop_head(context, uri)
                except Exception as error:
                    raise InputError(f"{uri}: cannot read it: {java_message(error)}")
                with open(copy, "wb") as out:
                    out.write(head)
                heads[os.path.normpath(copy)] = (uri, size, not splittable(head))
                if not is_folder:
                    arguments.append(copy)
            if is_folder:
                arguments.append(place)
        ordered = subprocess.run([binary, "map", "--plan"] + config + fmt + arguments,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for copy, (uri, _, _) in heads.items():
            ordered.stderr = ordered.stderr.replace(copy, uri)
    if ordered.returncode != 0:
        raise InputError(ordered.stderr.strip().removeprefix("uxchurn: error: "), ordered.returncode)
    inputs = []
    for rank, name in enumerate(line for line in ordered.stdout.splitlines() if line):
        head = heads.get(os.path.normpath(name))
        if head:
            uri, size, gzip = head
            inputs.append((rank, uri, uri, (size, gzip)))
        else:
            # A local input keeps the name it was given (as `report` shows it), read by absolute path.
            inputs.append((rank, name, os.path.abspath(name), None))
    return inputs


def hadoop_wholes(context, inputs, split_size):
    """(rank, name, path, bytes, None) of every Hadoop input read whole — gzip (or W3C), or no
    larger than `split_size` — read by Spark on the executors; None when there is none. Spark
    hands Python a file's bytes at once: at most 2 GB, held in the executor's memory."""
    whole = {path: (rank, name) for rank, name, path, hadoop in inputs
             if hadoop is not None and (hadoop[1] or hadoop[0] <= split_size)}
    if not whole:
        return None

    def item(pair):
        path, content = pair
        rank, name = whole[path]
        return rank, name, path, content, None
    return context.binaryFiles(",".join(whole), minPartitions=len(whole)).map(item)


def hadoop_splits(context, inputs, split_size, run_lines):
    """The hits of every plain Hadoop input larger than `split_size`, read in Hadoop's line
    splits of that size: each split's lines (decoded as UTF-8, as Spark hands text over; nginx
    and Apache escape other bytes) go to one `uxchurn map --part K`, K its place in the file."""
    hits = []
    for rank, name, path, hadoop in inputs:
        if hadoop is None or hadoop[1] or hadoop[0] <= split_size:
            continue
        lines = context.newAPIHadoopFile(
            path, "org.apache.hadoop.mapreduce.lib.input.TextInputFormat", "org.apache.hadoop.io.LongWritable",
            "org.apache.hadoop.io.Text", conf={"mapreduce.input.fileinputformat.split.maxsize": str(split_size)})

        def split(part, pairs, rank=rank, name=name, path=path):
            chunks = ((line + "\n").encode("utf-8") for _, line in pairs)
            return run_lines(rank, name, path, chunks, part)
        hits.append(lines.mapPartitionsWithIndex(split))
    return hits


def reduce_task(binary_name, config_name, sides, to):
    """`uxchurn reduce` over one partition; with `sides` (a broadcast of the job's #input
    records), its visitors are written as counts against the period's end these and `to` give."""
    def run(lines):
        binary = shipped(binary_name)
        options = ["-c", shipped(config_name)] if config_name else []
        folder = None
        if sides is not None:
            folder = tempfile.mkdtemp(prefix="uxchurn-reduce-")
            with open(os.path.join(folder, "inputs"), "w", encoding="utf-8") as out:
                out.write("".join(line + "\n" for line in sides.value))
            options += ["--inputs", os.path.join(folder, "inputs")] + (["--to", to] if to else [])
        try:
            yield from reduce_process(binary, options, lines)
        finally:
            if folder:
                shutil.rmtree(folder, ignore_errors=True)
    return run


def reduce_process(binary, options, lines):
    """The partial result `uxchurn reduce` writes for `lines`."""
    process = subprocess.Popen([binary, "reduce"] + options, stdin=subprocess.PIPE, env=executor_environment(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    output = []
    readers = [threading.Thread(target=lambda stream=stream: output.append((stream, stream.read())))
               for stream in (process.stdout, process.stderr)]
    for reader in readers:
        reader.start()
    try:
        for line in lines:
            process.stdin.write(line.encode("utf-8") + b"\n")
        process.stdin.close()
    except BrokenPipeError:  # reduce stopped early: its exit code and message say why
        pass
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
        # Visitors by their hash; the side records (#input), one per input, in a partition of
        # their own after those, which the driver can read alone.
        return partitions if key.startswith("#") else int(key[:8], 16) % partitions
    return partition


def merge_task(binary_name, config_name):
    """Partial results in, their sum out (`uxchurn merge --partial`): one node of the tree of merges."""
    def merge(partials):
        partials = list(partials)
        if len(partials) == 1:
            return partials[0]
        binary = shipped(binary_name)
        options = ["-c", shipped(config_name)] if config_name else []
        with tempfile.TemporaryDirectory(prefix="uxchurn-merge-") as folder:
            paths = []
            for index, partial in enumerate(partials):
                paths.append(os.path.join(folder, f"{index}.jsonl"))
                with open(paths[-1], "w", encoding="utf-8") as out:
                    out.write(partial + "\n")
            process = subprocess.run([binary, "merge", "--partial"] + options + paths, env=executor_environment(),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if process.returncode != 0:
            raise RuntimeError(f"uxchurn merge --partial exited {process.returncode}: "
                               f"{process.stderr.decode('utf-8', 'replace').strip()}")
        return process.stdout.decode("utf-8").strip()
    return merge


def tree_merge(partials, merge, fanout=4):
    """Merges one partial per partition in a tree on the executors, `fanout` at a time, until
    one is left: the driver receives that one, whatever the number of partitions."""
    level = partials.mapPartitionsWithIndex(lambda index, items: ((index, item) for item in items))
    count = partials.getNumPartitions()
    while True:
        count = (count + fanout - 1) // fanout
        level = level.map(lambda pair: (pair[0] // fanout, pair[1])).groupByKey(numPartitions=count).mapValues(merge)
        if count == 1:
            return level.values().collect()[0]


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

    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("uxchurn")
    if arguments.quiet:
        builder = builder.config("spark.ui.showConsoleProgress", "false")
    if arguments.master:
        builder = builder.master(arguments.master)
    spark = builder.getOrCreate()
    context = spark.sparkContext
    context.setLogLevel("ERROR")
    try:
        inputs = plan(binary, config, fmt, arguments.inputs, context)
    except InputError as error:
        sys.stderr.write(f"uxchurn_spark: error: {error.args[0]}\n")
        spark.stop()
        return error.args[1] if len(error.args) > 1 else 3
    context.addFile(binary)
    libraries_folder = tempfile.TemporaryDirectory(prefix="uxchurn-libraries-")
    ship_libraries(context, binary, libraries_folder.name)
    binary_name = os.path.basename(binary)
    config_name = None
    if arguments.config:
        context.addFile(os.path.abspath(arguments.config))
        config_name = os.path.basename(arguments.config)
    partitions = arguments.partitions or context.defaultParallelism

    try:
        # A large plain file is read in byte ranges (Hadoop's splits) by as many tasks; others whole.
        local = []
        for rank, name, path, hadoop in inputs:
            if hadoop is None:
                ranges = plain_ranges(path, arguments.split_size)
                local += [(rank, name, path, None, None)] if ranges is None else \
                    [(rank, name, path, bounds, part) for part, bounds in enumerate(ranges)]
        run_map = map_runner(binary_name, config_name, map_options)
        sources = [context.parallelize(local, len(local))] if local else []
        wholes = hadoop_wholes(context, inputs, arguments.split_size)
        if wholes is not None:
            sources.append(wholes)
        hits = context.union([source.mapPartitions(map_task(run_map)) for source in sources]
                             + hadoop_splits(context, inputs, arguments.split_size, run_map))
        grouped = hits.map(lambda line: (line.split("\t", 1)[0], line)) \
            .repartitionAndSortWithinPartitions(numPartitions=partitions + 1, partitionFunc=partition_of(partitions))
        # A history keeps one record per visitor: only without one are visitors counted, against
        # the period's end the side records give (read from their partition alone).
        sides = None
        if not arguments.state:
            sides = context.broadcast(context.runJob(grouped.values(), lambda lines: list(lines), [partitions]))
        partials = grouped.values().mapPartitions(reduce_task(binary_name, config_name, sides, arguments.to))
        partial = tree_merge(partials, merge_task(binary_name, config_name))
    except Exception as error:  # a task failed on every attempt: the job has no whole result
        sys.stderr.write(f"uxchurn_spark: error: the Spark job failed: {failure(error)}\n")
        return 3
    finally:
        spark.stop()
        libraries_folder.cleanup()

    with tempfile.TemporaryDirectory(prefix="uxchurn-spark-") as folder:
        path = os.path.join(folder, "partials.jsonl")
        with open(path, "w", encoding="utf-8") as out:
            out.write(partial + "\n")
        if arguments.partial:
            shutil.copyfile(path, arguments.partial)
        merge = subprocess.run([binary, "merge"] + config + ["-o", arguments.out] + step_options(arguments, MERGE) + [path])
    return merge.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
