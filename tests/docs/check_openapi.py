#!/usr/bin/env python3
"""docs/openapi.yaml parses and describes every route the server serves, and no other.

The routes are read from the `route = ...` assignments of src/http/*.cc, the labels the
server gives its metrics, so a route added to the code without the docs fails here."""
import glob
import re
import sys

import yaml

root = sys.argv[1]
spec = yaml.safe_load(open(f"{root}/docs/openapi.yaml", encoding="utf-8"))
documented = set(spec["paths"])
served = set()
for path in glob.glob(f"{root}/src/http/*.cc"):
    for assignment in re.findall(r"\broute = ([^;]*);", open(path, encoding="utf-8").read()):
        served.update(s for s in re.findall(r'"(/[^"]*)"', assignment))
missing, extra = served - documented, documented - served
for p in sorted(missing):
    print(f"docs/openapi.yaml does not describe {p}")
for p in sorted(extra):
    print(f"docs/openapi.yaml describes {p}, which the server does not serve")
if not served:
    print("found no routes in src/http")
sys.exit(1 if missing or extra or not served else 0)
