#!/usr/bin/env python3
"""Trunk post-build hook: writes this build's version and precache list into sw.js, and
links the hashed stylesheet from offline.html.

Trunk runs it with TRUNK_STAGING_DIR pointing at the finished build, just before that folder
becomes dist/. The precache list is exactly the files of the build (index.html as "/"), so
the service worker caches what was built, each file once. The version is a hash of those
files' contents, so any change to any of them gives a new version and an update prompt.
"""
import hashlib
import json
import os
import pathlib
import sys

staging = pathlib.Path(os.environ.get("TRUNK_STAGING_DIR") or sys.argv[1])
sw_path = staging / "sw.js"
offline_path = staging / "offline.html"

css = sorted(p.name for p in staging.glob("main-*.css"))
if len(css) != 1:
    sys.exit(f"pwa-build: expected one hashed main-*.css in {staging}, found {css}")
offline = offline_path.read_text(encoding="utf-8")
offline_path.write_text(offline.replace("<!--MEWAYZ_CSS-->", f'<link rel="stylesheet" href="/{css[0]}" />'), encoding="utf-8")

files = sorted(p for p in staging.rglob("*") if p.is_file() and p.name != "sw.js")
precache = []
digest = hashlib.sha256()
total = 0
for p in files:
    rel = "/" + p.relative_to(staging).as_posix()
    url = "/" if rel == "/index.html" else rel
    data = p.read_bytes()
    total += len(data)
    digest.update(url.encode() + b"\0" + data + b"\0")
    precache.append(url)
version = digest.hexdigest()[:16]

sw = sw_path.read_text(encoding="utf-8")
if "__MEWAYZ_VERSION__" not in sw or '["__MEWAYZ_PRECACHE__"]' not in sw:
    sys.exit("pwa-build: sw.js has no placeholders (was it already processed?)")
sw = sw.replace("__MEWAYZ_VERSION__", version).replace('["__MEWAYZ_PRECACHE__"]', json.dumps(precache))
sw_path.write_text(sw, encoding="utf-8")
(staging / "precache.txt").write_text(f"version {version}\nfiles {len(precache)}\nbytes {total}\n", encoding="utf-8")
print(f"pwa-build: service worker version {version}, {len(precache)} files precached, {total} bytes")
