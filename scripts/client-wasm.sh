#!/usr/bin/env bash
# Builds the client's WebAssembly, split by route (issue 16). Trunk runs it as a pre_build hook
# (Trunk 0.21 cannot split by itself); index.html copies its output, target/client/app-wasm/, into
# dist/app-wasm/, and scripts/pwa-build.py then renames that folder after its content's hash.
#
#   1. cargo builds frontend for wasm32 with relocations kept (-Clink-args=--emit-relocs), so
#      that the splitter can tell which code each split point (a page declared with
#      `lazy_page!`, app/src/shell/lazy.rs) reaches; `--cfg erase_components` makes Leptos
#      type-erase each component's view (measured: the main module 345 -> 322 KB brotli, the
#      builder's chunk 196 -> 139 KB);
#   2. wasm-split-cli (wasm_split_cli_support 0.2.4) writes the main module, one split_*.wasm
#      per split point, chunk_*.wasm for code that several of them share, and the loader
#      __wasm_split.js;
#   3. wasm-bindgen (0.2.130, --target web) binds the main module; --keep-lld-exports keeps the
#      exports the split modules call;
#   4. wasm-opt -Oz shrinks every module (in parallel).
# Splits and chunks are fetched relative to __wasm_split.js, so the whole folder moves as one.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$ROOT/.tools/node/node_modules/.bin:$HOME/.cargo/bin:$PATH"
cd "$ROOT"

TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
OUT="$TARGET_DIR/client"
WASM="$TARGET_DIR/wasm32-unknown-unknown/wasm-release/frontend.wasm"

echo "client-wasm: cargo build -p frontend (wasm32, wasm-release, erase_components, relocations kept)"
RUSTFLAGS="${RUSTFLAGS:-} --cfg erase_components -Clink-args=--emit-relocs" \
  cargo build --quiet --offline -p frontend --target wasm32-unknown-unknown --profile wasm-release

rm -rf "$OUT/split" "$OUT/app-wasm"
mkdir -p "$OUT/split" "$OUT/app-wasm"
echo "client-wasm: splitting by route"
wasm-split-cli --target web --out-name frontend "$WASM" "$OUT/split"
echo "client-wasm: wasm-bindgen"
wasm-bindgen --target web --keep-lld-exports --no-typescript --out-name frontend --out-dir "$OUT/app-wasm" "$OUT/split/frontend.wasm"
for f in "$OUT"/split/*; do
  [[ "$(basename "$f")" == frontend.wasm ]] || cp "$f" "$OUT/app-wasm/"
done
echo "client-wasm: wasm-opt -Oz on $(find "$OUT/app-wasm" -name '*.wasm' | wc -l) modules"
find "$OUT/app-wasm" -name '*.wasm' -print0 |
  xargs -0 -P "$(nproc)" -I{} wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int {} -o {}
echo "client-wasm: done ($(du -sb "$OUT/app-wasm" | cut -f1) bytes in $OUT/app-wasm)"
