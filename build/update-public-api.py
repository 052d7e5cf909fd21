#!/usr/bin/env python3
"""Brings the public API baseline of the shipped libraries up to date with their code.

Builds each project (in dependency order) and reads the Public API analyzer's diagnostics:
  RS0016  a public symbol the baseline lacks        -> added to PublicAPI.Unshipped.txt
  RS0017  a listed symbol that is gone or not public -> removed from PublicAPI.Unshipped.txt, or, when it is
          in PublicAPI.Shipped.txt (a released package has it), recorded there as "*REMOVED*<symbol>" in
          PublicAPI.Unshipped.txt (a breaking change: say so in docs/release-notes.md)
Then builds again until nothing changes. Review the diff of the PublicAPI.*.txt files before committing it.

Usage: python3 build/update-public-api.py [project folder ...]   (default: the three libraries in src/)
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT = ["src/ResTuning.Abstractions", "src/ResTuning", "src/ResTuning.Onnx"]
DIAGNOSTIC = re.compile(r"(?:error|warning) (RS0016|RS0017): Symbol '(.*?)' is (?:not part of|part of)")
HEADER = "#nullable enable"


def read(path):
    if not os.path.exists(path):
        return []
    return [line for line in open(path, encoding="utf-8").read().splitlines() if line.strip() and line.strip() != HEADER]


def write(path, lines):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(HEADER + "\n" + "".join(line + "\n" for line in sorted(set(lines), key=lambda l: (l[len("*REMOVED*"):] if l.startswith("*REMOVED*") else l, l))))


def diagnostics(project):
    result = subprocess.run(["dotnet", "build", "-c", "Release", "-nologo", project],
                            cwd=ROOT, capture_output=True, text=True)
    found = {(m.group(1), m.group(2)) for m in DIAGNOSTIC.finditer(result.stdout)}
    if result.returncode != 0 and not found:
        sys.stdout.write(result.stdout[-4000:])
        sys.exit(f"{project}: the build failed for another reason (above)")
    return found


def update(project):
    shipped_path = os.path.join(ROOT, project, "PublicAPI.Shipped.txt")
    unshipped_path = os.path.join(ROOT, project, "PublicAPI.Unshipped.txt")
    for _ in range(5):
        found = diagnostics(project)
        if not found:
            print(f"{project}: up to date")
            return
        shipped, unshipped = set(read(shipped_path)), set(read(unshipped_path))
        for rule, symbol in sorted(found):
            if rule == "RS0016":
                unshipped.discard("*REMOVED*" + symbol)
                if symbol not in shipped:
                    unshipped.add(symbol)
            elif symbol in unshipped:
                unshipped.discard(symbol)
            elif symbol in shipped:
                unshipped.add("*REMOVED*" + symbol)
        write(unshipped_path, unshipped)
        print(f"{project}: {sum(r == 'RS0016' for r, _ in found)} added, {sum(r == 'RS0017' for r, _ in found)} removed")
    sys.exit(f"{project}: still not up to date after 5 builds")


for folder in sys.argv[1:] or DEFAULT:
    update(folder)
