#!/usr/bin/env python3
"""docs/openapi.yaml parses and describes every route the server serves, and no other.

The routes come from the route table itself (src/http/routes.cc), printed by the
konfid_route_table program given as the second argument: each path by its metric label, with
its methods. A path that answers every method (the probes) must be documented with at least
one; any other is documented with exactly the methods the table gives it."""
import subprocess
import sys

import yaml

METHODS = {"get", "head", "post", "put", "patch", "delete"}

root, dump = sys.argv[1], sys.argv[2]
spec = yaml.safe_load(open(f"{root}/docs/openapi.yaml", encoding="utf-8"))
documented = {p: {m for m in ops if m in METHODS} for p, ops in spec["paths"].items()}
served = {}
for line in subprocess.run([dump], check=True, capture_output=True, text=True).stdout.splitlines():
    label, methods = line.split("\t")
    served[label] = None if methods == "*" else {m.lower() for m in methods.split()}
failed = False
for p in sorted(served.keys() - documented.keys()):
    print(f"docs/openapi.yaml does not describe {p}")
    failed = True
for p in sorted(documented.keys() - served.keys()):
    print(f"docs/openapi.yaml describes {p}, which the server does not serve")
    failed = True
for p in sorted(served.keys() & documented.keys()):
    want, have = served[p], documented[p]
    if (want is None and not have) or (want is not None and want != have):
        shown = "every method" if want is None else ", ".join(sorted(want))
        print(f"docs/openapi.yaml gives {p} {', '.join(sorted(have)) or 'no method'}; "
              f"the route table: {shown}")
        failed = True
if not served:
    print("the route table printed no routes")
sys.exit(1 if failed or not served else 0)
