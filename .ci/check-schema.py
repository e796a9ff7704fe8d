"""Validates summary.json files against docs/summary.schema.json (JSON Schema draft 2020-12).

Usage: check-schema.py SCHEMA SUMMARY...

Each summary must validate. Then, as a test of the schema itself, copies of the first summary
with one key removed (`traffic.sessions`), one key mistyped (`traffic.bounce_rate` as a string)
and one rate out of range (`funnels[0].conversion` or `error_exit_rate` as 1.5) must each fail.
Exit 1 on any finding.
"""
import copy
import json
import sys

import jsonschema


def main():
    schema = json.load(open(sys.argv[1]))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failures = 0
    documents = []
    for path in sys.argv[2:]:
        document = json.load(open(path))
        documents.append(document)
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
        for error in errors[:5]:
            print(f"{path}: {'/'.join(map(str, error.path)) or '(top)'}: {error.message[:200]}")
        failures += len(errors)
    if documents:
        base = documents[0]
        broken = []
        missing = copy.deepcopy(base)
        del missing["traffic"]["sessions"]
        broken.append(("traffic.sessions removed", missing))
        mistyped = copy.deepcopy(base)
        mistyped["traffic"]["bounce_rate"] = "0.3"
        broken.append(("traffic.bounce_rate as a string", mistyped))
        out_of_range = copy.deepcopy(base)
        out_of_range["error_exit_rate"] = 1.5
        broken.append(("error_exit_rate 1.5", out_of_range))
        for name, document in broken:
            if validator.is_valid(document):
                print(f"the schema accepts a summary with {name}")
                failures += 1
    print(f"summary schema: {len(documents)} summaries valid" if not failures else f"summary schema: {failures} finding(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
