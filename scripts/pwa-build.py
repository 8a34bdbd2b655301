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

# The WebAssembly folder (scripts/client-wasm.sh, copied as app-wasm/) is named after its content,
# so that every file in it can be cached as immutable; its modules load one another by
# relative URL, so the folder moves as one.
pkg = staging / "app-wasm"
if not pkg.is_dir():
    sys.exit("pwa-build: no app-wasm/ in the build (scripts/client-wasm.sh did not run?)")
pkg_digest = hashlib.sha256()
for p in sorted(q for q in pkg.rglob("*") if q.is_file()):
    pkg_digest.update(p.relative_to(pkg).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
pkg_name = f"app-wasm-{pkg_digest.hexdigest()[:16]}"
pkg.rename(staging / pkg_name)
index_path = staging / "index.html"
index = index_path.read_text(encoding="utf-8")
if "/app-wasm/" not in index:
    sys.exit("pwa-build: index.html does not load /app-wasm/")
index_path.write_text(index.replace("/app-wasm/", f"/{pkg_name}/"), encoding="utf-8")

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

# Precompresses the build once, at the best settings (brotli quality 11 through Node's zlib,
# gzip level 9), next to each file as FILE.br and FILE.gz: the server serves these as they
# are, instead of compressing at start (which costs seconds and tens of MB of memory).
# Without Node, only the .gz files are written and the server makes the brotli copies.
import gzip
import shutil
import subprocess

COMPRESSIBLE = {".html", ".js", ".mjs", ".wasm", ".css", ".json", ".webmanifest", ".svg", ".txt", ".xml", ".ico"}
targets = [p for p in sorted(staging.rglob("*")) if p.is_file() and p.suffix in COMPRESSIBLE and p.stat().st_size >= 32]
for p in targets:
    with open(p, "rb") as src, open(str(p) + ".gz", "wb") as out:
        out.write(gzip.compress(src.read(), compresslevel=9, mtime=0))
node = shutil.which("node")
if node:
    script = (
        "const fs=require('fs'),z=require('zlib');"
        "for(const f of process.argv.slice(1)){const d=fs.readFileSync(f);"
        "fs.writeFileSync(f+'.br',z.brotliCompressSync(d,{params:{[z.constants.BROTLI_PARAM_QUALITY]:11,"
        "[z.constants.BROTLI_PARAM_SIZE_HINT]:d.length}}));}"
    )
    subprocess.run([node, "-e", script, *map(str, targets)], check=True)
raw = sum(p.stat().st_size for p in targets)
br = sum(pathlib.Path(str(p) + ".br").stat().st_size for p in targets if pathlib.Path(str(p) + ".br").exists())
print(f"pwa-build: precompressed {len(targets)} files ({raw} bytes) to {br} bytes of brotli (q11)" if node else "pwa-build: Node not found, gzip only")
