#!/usr/bin/env python3
"""The peer side of the `dockerfile` benchmark: dockerfile-parse parses every file in this one Python
process; the time printed excludes interpreter start and imports (issue 7). Run inside the bench venv."""
import json
import sys
import time

from dockerfile_parse import DockerfileParser

files = sys.argv[1:]
start = time.perf_counter()
instructions = 0
failures = 0
for path in files:
    try:
        with open(path, "rb") as f:  # fileobj: a path not ending in "Dockerfile" would be taken as a folder
            parser = DockerfileParser(fileobj=f)
            instructions += len(parser.structure)
    except Exception:  # a file the peer cannot read counts, it does not stop the run
        failures += 1
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "files": len(files), "instructions": instructions, "failures": failures}))
