#!/usr/bin/env python3
"""Freezes the text sample's split (debian-sections.tsv): Debian package short descriptions labelled with their Section.

Run once, by hand, on a Debian 12 machine whose apt lists hold bookworm main and trixie main (the native set-up adds
trixie): `python3 samples/ResTuning.Samples/Text/freeze-split.py > samples/ResTuning.Samples/Text/debian-sections.tsv`.
The text job never runs this script: it reads the committed list and takes the descriptions from apt at run time.

A package enters the pool when, in both bookworm main and trixie main, it is in one of SECTIONS (the same section in
both) with the same short description, so the text is the same whichever of the two suites apt serves it from. Dropped:
descriptions shared by several packages anywhere in either index (e.g. "transitional package"), transitional or dummy
packages, descriptions of fewer than 3 words, and near duplicates (same words once a trailing "(...)" or " - ..."/" -- ..."
part is removed; the first package by name is kept). Then, per class, with random.Random(SEED): TRAIN packages form the
labelled pool and TEST packages the test split.
"""
import collections
import glob
import random
import re
import subprocess
import sys

SECTIONS = ["editors", "games", "graphics", "mail", "math", "net", "science", "sound", "text", "web"]
TRAIN, TEST, SEED = 32, 150, 2023


def records(suite):
    files = glob.glob(f"/var/lib/apt/lists/*_dists_{suite}_main_binary-amd64_Packages*")
    if not files:
        sys.exit(f"no apt list for {suite} main: add the suite and run apt-get update")
    text = subprocess.run(["/usr/lib/apt/apt-helper", "cat-file", files[0]], check=True, capture_output=True, text=True).stdout
    out = {}
    for block in text.split("\n\n"):
        fields = dict(re.findall(r"^(Package|Section|Description): (.*)$", block, re.M))
        if "Package" in fields:
            out[fields["Package"]] = (fields.get("Section", ""), fields.get("Description", "").strip())
    return out


def key(description):
    d = description.lower()
    d = re.sub(r"\([^)]*\)\s*$", "", d)
    d = re.split(r"\s+--?\s+", d)[0]
    return re.sub(r"[^a-z0-9]+", " ", d).strip()


bookworm, trixie = records("bookworm"), records("trixie")
shared = collections.Counter(d for _, d in {(n, d) for index in (bookworm, trixie) for n, (_, d) in index.items()})
pool = collections.defaultdict(list)
seen = set()
for name in sorted(bookworm):
    section, description = bookworm[name]
    if section not in SECTIONS or trixie.get(name) != (section, description):
        continue
    if shared[description] > 1 or re.search(r"transitional|dummy", description, re.I) or len(description.split()) < 3:
        continue
    k = key(description)
    if k in seen:
        continue
    seen.add(k)
    pool[section].append(name)

rng = random.Random(SEED)
print(f"# Debian package short descriptions labelled with their Section; frozen by freeze-split.py (seed {SEED}): "
      f"{TRAIN} labelled (train) and {TEST} test packages per class. Columns: split, package, label.")
for section in SECTIONS:
    names = pool[section]
    print(f"{section}: pool {len(names)}", file=sys.stderr)
    if len(names) < TRAIN + TEST:
        sys.exit(f"section {section} has only {len(names)} packages")
    chosen = rng.sample(names, TRAIN + TEST)
    for i, name in enumerate(chosen):
        print(f"{'train' if i < TRAIN else 'test'}\t{name}\t{section}")
