"""Compare a summary.json with an expected-summary.json as ../shared/conformance/README.md says:
every expected key must be there with the same value (numbers to 1e-6; load_ms within 1%);
lists of pages and days are matched by their group or date.
Usage: compare-summary.py EXPECTED ACTUAL [SECTION,SECTION,...] [SKIPPED_KEY,...]
Skipped keys are those of figures a later issue builds (shell-style patterns: `*_ci`)."""
import fnmatch, json, sys
def cmp(e, a, path, errs, pct=False):
    if isinstance(e, dict):
        if not isinstance(a, dict): errs.append(f"{path}: expected object, got {a!r}"); return
        for k, v in e.items():
            if any(fnmatch.fnmatch(k, pattern) for pattern in skipped): continue
            if k not in a: errs.append(f"{path}.{k}: missing"); continue
            cmp(v, a[k], f"{path}.{k}", errs, pct or k == "load_ms")
    elif isinstance(e, list) and e and isinstance(e[0], dict) and any(k in e[0] for k in ("group", "date")):
        key = "group" if "group" in e[0] else "date"
        if not isinstance(a, list): errs.append(f"{path}: expected a list"); return
        index = {x.get(key): x for x in a if isinstance(x, dict)}
        for x in e:
            if x[key] not in index: errs.append(f"{path}: no item {x[key]}"); continue
            cmp(x, index[x[key]], f"{path}[{x[key]}]", errs, pct)
    elif isinstance(e, list):
        if not isinstance(a, list) or len(a) != len(e): errs.append(f"{path}: expected {len(e)} items, got {a if not isinstance(a, list) else len(a)}"); return
        for i, (x, y) in enumerate(zip(e, a)): cmp(x, y, f"{path}[{i}]", errs, pct)
    elif isinstance(e, (int, float)) and not isinstance(e, bool):
        if not isinstance(a, (int, float)): errs.append(f"{path}: expected {e}, got {a}"); return
        tol = abs(e) * 0.01 if pct else 1e-6
        if abs(e - a) > tol + 1e-9: errs.append(f"{path}: expected {e}, got {a}")
    elif e != a: errs.append(f"{path}: expected {e!r}, got {a!r}")
exp = json.load(open(sys.argv[1])); act = json.load(open(sys.argv[2]))
sections = sys.argv[3].split(",") if len(sys.argv) > 3 else list(exp)
skipped = [k for k in sys.argv[4].split(",") if k] if len(sys.argv) > 4 else []
errs = []
for s in sections:
    if s in exp: cmp(exp[s], act.get(s), s, errs)
print("OK" if not errs else "\n".join(errs[:15]))
