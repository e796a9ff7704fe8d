#!/usr/bin/env python3
"""Runs the Spark driver and compares its summary.json with `uxchurn report`'s.

    python3 contrib/spark/test_spark.py [--only-local] UXCHURN_BINARY [GOLDEN_FOLDER]
    python3 contrib/spark/test_spark.py --standalone UXCHURN_BINARY

In local mode: the golden logs with their configuration, and `uxchurn sample-logs` output split
into nine files (some gzip) with the generic preset. With `--standalone`: a Spark master and two
workers on 127.0.0.1 (pyspark's own `spark-class`), then the nine files plain, with `--from`/
`--to` and options written with spaces, with an input removed after planning (the job must
fail), with the folder given as a file:// URI (read through Spark, as hdfs:// or s3a:// paths
are), and with a worker killed (`kill -9`, it and its executor) during the map stage. Counts
must be equal, load-time percentiles within 1%; any other difference fails. Exit 0 when all pass.
"""

import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

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


def without_scheme(value):
    """summary.json with `file:/path` names as `/path`: how report names the same files."""
    if isinstance(value, dict):
        return {without_scheme(k): without_scheme(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_scheme(v) for v in value]
    if isinstance(value, str) and value.startswith("file:/"):
        return value[len("file:"):]
    return value


def compare(name, binary, inputs, config, cwd, partitions, extra=(), master="local[2]", hadoop=False, driver=()):
    """`report` and the driver over the same inputs with the same options (`extra`, given to
    both as `--opt value`): their summary.json must agree. With `hadoop`, the driver is given
    the inputs as file:// URIs, read through Spark rather than by uxchurn on the executors.
    `driver`: options of the driver alone."""
    options = (["-c", config] if config else []) + list(extra)
    if hadoop:
        inputs = [os.path.abspath(os.path.join(cwd, path)) for path in inputs]
    one = run([binary, "report", "--quiet"] + options + ["-o", "one"] + inputs, cwd)
    given = ["file://" + path for path in inputs] if hadoop else inputs
    spark = run([sys.executable, os.path.join(HERE, "uxchurn_spark.py"), "--master", master, "--uxchurn", binary,
                 "--partitions", str(partitions), "--quiet"] + list(driver) + options + ["-o", "spark"] + given, cwd)
    expected = json.load(open(os.path.join(cwd, "one", "summary.json")))
    actual = without_scheme(json.load(open(os.path.join(cwd, "spark", "summary.json"))))
    found = differences(expected, actual)
    if found:
        print(f"{name}: the Spark run differs from report:")
        for line in found[:20]:
            print("  " + line)
        return False
    print(f"{name}: Spark summary.json equals report's ({expected['input']['lines']} lines, "
          f"{expected['traffic']['sessions']} sessions, {len(inputs)} input(s), {partitions} partitions; "
          f"report {one:.1f} s, Spark {spark:.1f} s)")
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


def missing_input_fails(binary, inputs, config, cwd, master="local[2]"):
    """An input the driver planned but a map task cannot read fails the job (exit 3, the input
    named), where it once was dropped with exit 0. A wrapper of the binary removes the input
    when the first map task starts, after the plan."""
    victim = os.path.join(cwd, inputs[len(inputs) // 2])
    wrapper = os.path.join(cwd, "uxchurn-removing-an-input")
    with open(wrapper, "w") as f:
        f.write(f'#!/bin/sh\nif [ "$1" = map ] && [ "$3" = --rank ]; then rm -f "{victim}"; fi\nexec "{binary}" "$@"\n')
    os.chmod(wrapper, 0o755)
    result = subprocess.run([sys.executable, os.path.join(HERE, "uxchurn_spark.py"), "--master", master,
                             "--uxchurn", wrapper, "--quiet", "-c", config, "-o", "removed"] + inputs,
                            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    named = inputs[len(inputs) // 2]
    if result.returncode != 3 or f"cannot read input {named}" not in result.stderr:
        print(f"input removed after planning: expected exit 3 naming {named}, got {result.returncode}:\n{result.stderr[-2000:]}")
        return False
    if os.path.exists(os.path.join(cwd, "removed")):
        print("input removed after planning: a report folder was written")
        return False
    print(f"input removed after planning: the job failed with exit 3 naming {named}")
    return True


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A standalone Spark master and two one-core workers on 127.0.0.1, in `folder`."""

    def __init__(self, folder):
        import pyspark

        self.spark_class = os.path.join(os.path.dirname(pyspark.__file__), "bin", "spark-class")
        self.folder = folder
        self.port, self.ui = free_port(), free_port()
        self.master_url = f"spark://127.0.0.1:{self.port}"
        self.processes = []
        self.workers = []  # (process, port)
        self.start("master", ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                              "--port", str(self.port), "--webui-port", str(self.ui)])
        for index in (1, 2):
            port = free_port()
            work = os.path.join(folder, f"worker-{index}")
            process = self.start(f"worker-{index}", [
                "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--port", str(port),
                "--webui-port", str(free_port()), "--cores", "1", "--memory", "1G", "--work-dir", work, self.master_url])
            self.workers.append((process, port))
        self.wait_for_workers(2)

    def start(self, name, arguments):
        log = open(os.path.join(self.folder, f"{name}.log"), "w")
        process = subprocess.Popen([self.spark_class] + arguments, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.processes.append(process)
        return process

    def wait_for_workers(self, count, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.ui}/json/", timeout=2) as response:
                    if json.load(response).get("aliveworkers", 0) >= count:
                        return
            except OSError:
                pass
            time.sleep(1)
        raise SystemExit(f"the standalone cluster did not get {count} workers in {timeout} s (logs in {self.folder})")

    def kill_worker(self, index):
        """kill -9 the worker and the executor it started; whether there was an executor."""
        process, port = self.workers[index]
        process.send_signal(signal.SIGKILL)
        return subprocess.run(["pkill", "-9", "-f", f"Worker@127.0.0.1:{port}"]).returncode == 0

    def stop(self):
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for _, port in self.workers:
            subprocess.run(["pkill", "-9", "-f", f"Worker@127.0.0.1:{port}"])


def killed_worker_is_survived(binary, inputs, config, cwd, cluster):
    """A worker killed (with its executor) while map tasks run: its tasks run again on the
    other worker and the summary is still report's."""
    marker = os.path.join(cwd, "map-started")
    wrapper = os.path.join(cwd, "uxchurn-slow-map")
    with open(wrapper, "w") as f:
        f.write(f'#!/bin/sh\nif [ "$1" = map ] && [ "$3" = --rank ]; then touch "{marker}"; sleep 3; fi\n'
                f'exec "{binary}" "$@"\n')
    os.chmod(wrapper, 0o755)
    run([binary, "report", "--quiet", "-c", config, "-o", "one-killed"] + inputs, cwd)
    driver = subprocess.Popen([sys.executable, os.path.join(HERE, "uxchurn_spark.py"), "--master", cluster.master_url,
                               "--uxchurn", wrapper, "--partitions", "3", "--quiet", "-c", config, "-o", "killed"] + inputs,
                              cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 180
    while not os.path.exists(marker) and driver.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    had_executor = cluster.kill_worker(0)
    _, errors = driver.communicate(timeout=600)
    if not had_executor:
        print("worker killed during the map stage: the worker had no executor running when it was killed")
        return False
    if driver.returncode != 0:
        print(f"worker killed during the map stage: the driver exited {driver.returncode}:\n{errors[-2000:]}")
        return False
    found = differences(json.load(open(os.path.join(cwd, "one-killed", "summary.json"))),
                        json.load(open(os.path.join(cwd, "killed", "summary.json"))))
    if found:
        print("worker killed during the map stage: the Spark run differs from report:")
        for line in found[:20]:
            print("  " + line)
        return False
    print("worker killed during the map stage (kill -9, with its executor): summary.json equals report's")
    return True


def libraries_are_shipped(binary, master):
    """On an executor, every library uxchurn needs beyond glibc loads from the copies the driver
    shipped with it, not from the machine: an executor needs nothing installed."""
    sys.path.insert(0, HERE)
    import uxchurn_spark
    from pyspark import cloudpickle
    from pyspark.sql import SparkSession

    cloudpickle.register_pickle_by_value(uxchurn_spark)  # the executors cannot import it

    spark = SparkSession.builder.master(master).appName("uxchurn-libraries") \
        .config("spark.ui.showConsoleProgress", "false").getOrCreate()
    try:
        context = spark.sparkContext
        context.addFile(binary)
        with tempfile.TemporaryDirectory(prefix="uxchurn-libraries-") as folder:
            uxchurn_spark.ship_libraries(context, binary, folder)
            name = os.path.basename(binary)

            def loaded(_):
                from pyspark import SparkFiles
                listed = subprocess.run(["ldd", uxchurn_spark.shipped(name)], env=uxchurn_spark.executor_environment(),
                                        stdout=subprocess.PIPE, text=True).stdout
                version = subprocess.run([uxchurn_spark.shipped(name), "--version"], env=uxchurn_spark.executor_environment(),
                                         stdout=subprocess.PIPE, text=True).stdout
                return [(SparkFiles.getRootDirectory(), listed, version)]
            root, listed, version = context.parallelize([0], 1).mapPartitions(loaded).collect()[0]
    finally:
        spark.stop()
    needed = [line.strip() for line in listed.splitlines()
              if " => " in line and not line.strip().startswith(uxchurn_spark.GLIBC)]
    outside = [line for line in needed if root not in line]
    if outside or not needed or not version.strip():
        print(f"libraries: not shipped: {outside or 'uxchurn --version printed nothing'}")
        return False
    print(f"libraries: uxchurn {version.strip()} on an executor loads its {len(needed)} libraries beyond glibc "
          f"from the copies shipped with it")
    return True


def standalone(binary):
    ok = True
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    with tempfile.TemporaryDirectory(prefix="uxchurn-spark-standalone-") as folder:
        cluster = Cluster(folder)
        try:
            run([binary, "init", "-o", "generic.yml"], folder)
            split = split_sample(binary, folder)
            master = cluster.master_url
            ok &= libraries_are_shipped(binary, master)
            ok &= compare("standalone, 9 files, plain ones in 64 KB parts", binary, split, "generic.yml", folder, 4,
                          master=master, driver=["--split-size", "64K"])
            os.mkdir(os.path.join(folder, "window"))
            ok &= compare("standalone, --from/--to and options with spaces", binary, [os.path.join("..", n) for n in split],
                          os.path.join("..", "generic.yml"), os.path.join(folder, "window"), 3, master=master,
                          extra=["--from", "2026-03-03", "--to", "2026-03-04T12:00:00", "--junit", "j.xml",
                                 "--max-bad-lines", "1"])
            os.mkdir(os.path.join(folder, "uri"))
            ok &= compare("standalone, the folder as a file:// URI", binary, [os.path.join("..", "split")],
                          os.path.join("..", "generic.yml"), os.path.join(folder, "uri"), 3, master=master, hadoop=True)
            os.mkdir(os.path.join(folder, "killed"))
            ok &= killed_worker_is_survived(binary, [os.path.join("..", n) for n in split],
                                            os.path.join("..", "generic.yml"), os.path.join(folder, "killed"), cluster)
            # Last: it removes one of the nine files.
            os.mkdir(os.path.join(folder, "removed"))
            ok &= missing_input_fails(binary, [os.path.join("..", n) for n in split], os.path.join("..", "generic.yml"),
                                      os.path.join(folder, "removed"), master=master)
        finally:
            cluster.stop()
    return 0 if ok else 1


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--standalone":
        return standalone(os.path.abspath(sys.argv[2]))
    # --only-local: leave out the cases --standalone runs too (nine files, the window, an input
    # removed), as CI runs both.
    arguments = sys.argv[1:]
    only_local = "--only-local" in arguments
    arguments = [argument for argument in arguments if argument != "--only-local"]
    binary = os.path.abspath(arguments[0])
    golden = arguments[1] if len(arguments) > 1 else os.path.join(ROOT, "fixtures", "golden")
    ok = True
    with tempfile.TemporaryDirectory(prefix="uxchurn-spark-test-") as folder:
        os.mkdir(os.path.join(folder, "golden"))
        ok &= compare("golden logs", binary, [os.path.abspath(golden)], os.path.join(os.path.abspath(golden), "uxchurn.yml"),
                      os.path.join(folder, "golden"), 3)
        # Plain files read in 100 KB byte ranges by as many map tasks.
        os.mkdir(os.path.join(folder, "ranges"))
        ok &= compare("golden logs, plain files in 100 KB parts", binary, [os.path.abspath(golden)],
                      os.path.join(os.path.abspath(golden), "uxchurn.yml"), os.path.join(folder, "ranges"), 3,
                      driver=["--split-size", "100K"])
        # `report` without a configuration fits one to the logs (map cannot: it reads once, in
        # parts); both get the built-in generic preset here, as the file `init` writes.
        run([binary, "init", "-o", "generic.yml"], folder)
        split = split_sample(binary, folder)
        if not only_local:
            ok &= compare("sample-logs in 9 files", binary, split, "generic.yml", folder, 4)
            # Options with their values after a space, a window and a JUnit file: passed to the
            # steps they belong to, as report applies them.
            os.mkdir(os.path.join(folder, "window"))
            ok &= compare("sample-logs, --from/--to and options with spaces", binary,
                          [os.path.join("..", n) for n in split], os.path.join("..", "generic.yml"),
                          os.path.join(folder, "window"), 3,
                          extra=["--from", "2026-03-03", "--to", "2026-03-04T12:00:00", "--junit", "j.xml",
                                 "--max-bad-lines", "1"])
        # Hadoop paths (file:// here; hdfs://, s3a://, gs:// alike): a folder's files listed and
        # ordered by their first megabyte on the driver, read by Spark, mapped from standard input.
        os.mkdir(os.path.join(folder, "uri"))
        ok &= compare("sample-logs folder as a file:// URI, plain files in 64 KB splits", binary,
                      [os.path.join("..", "split")], os.path.join("..", "generic.yml"), os.path.join(folder, "uri"), 3,
                      hadoop=True, extra=["--from", "2026-03-03"], driver=["--split-size", "64K"])
        if not only_local:
            ok &= missing_input_fails(binary, split, "generic.yml", folder)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
