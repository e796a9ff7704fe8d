"""Interleaved A/B timing of two uxchurn binaries on the benchmark corpus (bench/work, made by
bench/run.sh): one run of each in turn, the order swapped every round, so the machine's drift
falls on both. Prints the median wall and user time of each and their ratio (after / before).

    python3 bench/ab.py OLD_BINARY NEW_BINARY [ROUNDS (12)] [-- extra report options, e.g. -c FILE]
"""
import os, resource, statistics, subprocess, sys, time

args = sys.argv[1:]
extra = args[args.index("--") + 1:] if "--" in args else []
args = args[:args.index("--")] if "--" in args else args
before, after = args[0], args[1]
rounds = int(args[2]) if len(args) > 2 else 12
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "work"))
cases = {"gz": ["corpus-1.log.gz"], "two j2": ["--jobs", "2", "corpus-1-a.log", "corpus-1-b.log"], "plain": ["corpus-1.log"]}
times = {}
for round in range(rounds):
    for name, inputs in cases.items():
        pairs = [("before", before), ("after", after)]
        for tag, binary in (pairs if round % 2 == 0 else pairs[::-1]):
            start = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run([binary, "report", "--quiet", *extra, "-o", f"/tmp/uxchurn-ab-{tag}", *inputs], check=True)
            wall = time.perf_counter() - t0
            user = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - start.ru_utime
            times.setdefault((name, tag), []).append((wall, user))
for name in cases:
    b, a = times[(name, "before")], times[(name, "after")]
    wb, wa = statistics.median(x[0] for x in b), statistics.median(x[0] for x in a)
    ub, ua = statistics.median(x[1] for x in b), statistics.median(x[1] for x in a)
    print(f"{name:8s} wall {wb:.3f} → {wa:.3f} ({wa / wb:.3f}) | user {ub:.3f} → {ua:.3f} ({ua / ub:.3f})")
