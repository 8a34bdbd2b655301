#!/usr/bin/env python3
"""Where the client's WebAssembly bytes go (issue 16): groups `twiggy top` by crate.

Usage: scripts/wasm-size.py [WASM] [N]
  WASM  the cargo output for wasm32, before wasm-bindgen and wasm-opt, so that function names
        are still there (default: target/wasm32-unknown-unknown/wasm-release/frontend.wasm)
  N     how many groups to print (default 20)

A function is counted under the crate whose code it is: `<F as tachys::…::Render>::build` is
tachys' code instantiated for the app's views; `app::bio::ui::…` is the app's bio module (the
app is grouped by module). Custom sections (names, wasm-bindgen's descriptors) are listed apart:
wasm-bindgen and wasm-opt drop them, so they are never downloaded.
"""
import csv
import io
import re
import subprocess
import sys
from collections import defaultdict

wasm = sys.argv[1] if len(sys.argv) > 1 else "target/wasm32-unknown-unknown/wasm-release/frontend.wasm"
limit = int(sys.argv[2]) if len(sys.argv) > 2 else 20
out = subprocess.run(["twiggy", "top", "-n", "1000000", "--format", "csv", wasm], check=True, capture_output=True, text=True).stdout

LEAD = re.compile(r"^(?:[<&*( ]|mut |dyn |const )+")
PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*")


def owner(name: str) -> str:
    if "subsection" in name or name.startswith("custom section"):
        return "(custom sections: not shipped)"
    if name.startswith("export ") or name.startswith("import "):
        return "(export and import entries)"
    if name.startswith("data segment") or name.startswith("elem[") or name.startswith("table[") or name.startswith("type["):
        return "(data, tables and types)"
    if name.startswith("<"):
        # <Self as Trait>::method: the impl's own crate when Self is a concrete path of a crate,
        # the trait's crate when Self is a generic parameter (a view type, a closure).
        inner = name[1:]
        m = re.match(r"(.+?) as (.+?)>::", inner)
        if m:
            this, trait = m.group(1), m.group(2)
            if "IntoAny" in trait:
                return "tachys (IntoAny)"
            if "::" in this and not this.startswith("&") and not this.startswith("("):
                name = LEAD.sub("", this)
            else:
                name = trait
        else:
            name = inner
    m = PATH.match(LEAD.sub("", name))
    if not m:
        return "(other)"
    parts = m.group(0).split("::")
    if parts[0] == "app" and len(parts) > 1:
        return "app::" + parts[1]
    if parts[0] in ("serde", "serde_core", "serde_json", "serde_derive", "serde_qs"):
        return "serde, serde_json"
    if parts[0] in ("core", "alloc", "std"):
        return "core, alloc, std"
    return parts[0]


groups = defaultdict(int)
total = 0
for row in csv.DictReader(io.StringIO(out)):
    name = row["Name"]
    if name.startswith("Σ") or name.startswith("... and"):
        continue
    size = int(row["ShallowSize"])
    groups[owner(name)] += size
    total += size

shipped = total - groups.get("(custom sections: not shipped)", 0)
print(f"{wasm}: {total:,} bytes, {shipped:,} without custom sections")
print(f"{'bytes':>10}  {'% of code':>9}  group")
for name, size in sorted(groups.items(), key=lambda kv: -kv[1])[:limit]:
    pct = "" if name.startswith("(custom") else f"{100 * size / shipped:8.1f}%"
    print(f"{size:>10,}  {pct:>9}  {name}")
