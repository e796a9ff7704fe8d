"""Independent check of uxchurn's bot rule (which lines are bot requests) on the real logs in ../shared/realdata.

For every log file in FOLDER (plain or gzip, README.md skipped) this parses the lines itself
(Apache/nginx `common`/`combined` with the escapes servers write), classifies them with its own
code -- the request-line regex, the built-in agent tokens, the patterns of
data/crawler-user-agents/crawler-user-agents.json compiled with Python's `re`, and /robots.txt --
and compares `lines`, `parsed`, `invalid_requests` and `bot_requests` with `input` of the
summary.json that `BIN report` writes. Nothing of uxchurn's own parser or matcher is used; BIN is
only run as a black box. On a mismatch the file is bisected by running BIN on parts of it (same
format) until the disagreeing lines are found; up to 5 are printed. Exit 1 on any mismatch.

Usage: realdata-bots.py [FOLDER (default ../shared/realdata)] [BIN (default .build/release/uxchurn)]
"""
import gzip, json, os, re, subprocess, sys, tempfile
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKENS = (b"bot crawl spider slurp bingpreview facebookexternalhit python-requests curl/ wget/ go-http-client"
          b" headlesschrome httpclient java/ libwww okhttp scrapy phantomjs wordpress/ feed").split()
with open(os.path.join(ROOT, "data/crawler-user-agents/crawler-user-agents.json")) as f:
    CRAWLERS = re.compile("|".join(f"(?:{c['pattern']})" for c in json.load(f)))
REQUEST = re.compile(rb"[A-Z]+ \S+ HTTP/[0-9](\.[0-9])?")
Q = rb'"((?:[^"\\]|\\.)*)"'  # a quoted field: \" \\ \xHH escapes
HEAD = rb"[^ ]* [^ ]* [^ ]* \[(\d\d)/([A-Z][a-z]{2})/(\d{4}):(\d\d):(\d\d):(\d\d) [+-](\d\d)(\d\d)\] " + Q + rb" (\d{3}) (?:\d+|-)"
FORMATS = {"common": re.compile(HEAD + rb"(?: |$)"),
           "combined": re.compile(HEAD + rb" " + Q + rb" " + Q + rb"(?: |$)"),
           "combined-timed": re.compile(HEAD + rb" " + Q + rb" " + Q + rb" \d+(?: |$)"),
           "nginx-timed": re.compile(HEAD + rb" " + Q + rb" " + Q + rb" \d+\.\d{3}(?: |$)")}
FORMATS["combined+time"] = FORMATS["combined"]  # combined whose lines end in a $request_time field
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
AGENTS = {}  # user agent -> is a bot

def unescape(b):
    return re.sub(rb"\\(x[0-9A-Fa-f]{2}|.)", lambda m: bytes([int(m[1][1:], 16)]) if len(m[1]) == 3 else m[1], b)

def lines_of(data):
    """(1-based physical line number, line) of the non-blank lines."""
    for number, raw in enumerate(data.split(b"\n"), 1):
        line = raw[:-1] if raw.endswith(b"\r") else raw
        if line:
            yield number, line

def classify(line, fmt):
    """'skipped', 'invalid', 'bot' or 'other' for one non-blank line."""
    m = FORMATS[fmt].match(line) if len(line) <= 1 << 20 else None
    if not m:
        return "skipped"
    d, mon, y, hh, mi, ss = m.groups()[:6]
    try:
        datetime(int(y), MONTHS.index(mon.decode()) + 1, int(d), int(hh), int(mi), int(ss))
    except ValueError:
        return "skipped"
    request = unescape(m[9])
    if not REQUEST.fullmatch(request):
        return "invalid"
    target = re.split(rb"[?#]", request.split(b" ")[1])[0]
    if re.match(rb"[A-Za-z][A-Za-z0-9+.-]*://", target):
        host_and_path = target.split(b"://", 1)[1]
        target = host_and_path[host_and_path.find(b"/"):] if b"/" in host_and_path else b"/"
    if target == b"/robots.txt":
        return "bot"
    if fmt == "common":
        return "other"
    ua = unescape(m[12])
    if ua not in AGENTS:
        AGENTS[ua] = (ua in (b"", b"-") or any(t in ua.lower() for t in TOKENS)
                      or bool(CRAWLERS.search(ua.decode("utf-8", "replace"))))
    return "bot" if AGENTS[ua] else "other"

def uxchurn(binary, path, tmp, fmt="auto"):
    out = tempfile.mkdtemp(dir=tmp)  # cwd = tmp, so no ./uxchurn.yml adds bot tokens
    subprocess.run([binary, "report", "--quiet", "--max-bad-lines", "100%", "--format", fmt, "-o", out, path],
                   cwd=tmp, check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "summary.json")) as f:
        return json.load(f)["input"]

def disagreeing(binary, lines, classes, fmt, tmp, indices, limit=5):
    """(line number, line, this check's class, BIN's counts) of lines whose class differs, by bisection."""
    if not indices:
        return []
    path = os.path.join(tmp, "part.log")
    with open(path, "wb") as f:
        f.write(b"".join(lines[i] + b"\n" for i in indices))
    got = uxchurn(binary, path, tmp, "combined" if fmt == "combined+time" else fmt)
    mine = [sum(classes[i] == k for i in indices) for k in ("skipped", "invalid", "bot")]
    if mine == [got["skipped"], got["invalid_requests"], got["bot_requests"]]:
        return []
    if len(indices) == 1:
        i = indices[0]
        return [(i, lines[i], classes[i], got)]
    half = len(indices) // 2
    found = disagreeing(binary, lines, classes, fmt, tmp, indices[:half], limit)
    if len(found) < limit:
        found += disagreeing(binary, lines, classes, fmt, tmp, indices[half:], limit - len(found))
    return found

def check(binary, path, tmp):
    name = os.path.basename(path)
    try:
        got = uxchurn(binary, path, tmp)
    except subprocess.CalledProcessError as e:
        print(f"{name}: uxchurn failed with exit {e.returncode} MISMATCH")
        return False
    fmt = got["format"]
    if fmt not in FORMATS:
        print(f"{name}: uxchurn chose format {fmt!r}, which this check cannot parse -- MISMATCH")
        return False
    with open(path, "rb") as f:
        data = f.read()
    numbered = list(lines_of(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data))
    lines = [line for _, line in numbered]
    classes = [classify(line, fmt) for line in lines]
    mine = {"lines": len(lines), "parsed": sum(c != "skipped" for c in classes),
            "invalid_requests": classes.count("invalid"), "bot_requests": classes.count("bot")}
    bad = [k for k in mine if mine[k] != got[k]]
    print(f"{name}: bot_requests {mine['bot_requests']} (uxchurn {got['bot_requests']})"
          + "".join(f", {k} {mine[k]} (uxchurn {got[k]})" for k in bad if k != "bot_requests")
          + (f" MISMATCH ({fmt})" if bad else " ok"))
    found = disagreeing(binary, lines, classes, fmt, tmp, list(range(len(lines)))) if bad else []
    if bad and not found:
        print("  no line disagrees on its own (the difference depends on the whole file)")
    for i, line, mine_class, theirs in found:
        theirs_class = next((k for k, c in (("skipped", "skipped"), ("invalid", "invalid_requests"),
                                            ("bot", "bot_requests")) if theirs[c]), "other")
        print(f"  line {numbered[i][0]}: this check {mine_class}, uxchurn {theirs_class}: {line[:300]!r}")
    return not bad

def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "../shared/realdata")
    binary = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, ".build/release/uxchurn"))
    if not os.path.isdir(folder):
        print("realdata: SKIPPED (no ../shared/realdata)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        results = [check(binary, os.path.abspath(os.path.join(folder, n)), tmp)
                   for n in sorted(os.listdir(folder)) if n != "README.md"]
    return 0 if all(results) else 1

if __name__ == "__main__":
    sys.exit(main())
