// What the client costs to download (issue 16), from a built dist/: the first load (the
// shell: HTML, CSS, JS and the main WebAssembly module, enough for the sign-in page and the
// dashboard) and, for each lazy route, what its first opening fetches (its split module and
// the shared chunks it needs, as __wasm_split.js lists them). Sizes are the brotli (q11)
// copies the build writes next to each file, which is what browsers download.
//
//   node end2end/lib/client-size.mjs [DIST]      prints the table
// The browser tests import clientSize() and hold it to the budgets below.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

// The goals (issue 16).
export const FIRST_LOAD_BUDGET = 250 * 1024;
export const ROUTE_BUDGET = 80 * 1024;
// What the browser test holds the build to today: the sizes reached so far, rounded up. They
// only ever come down, towards the goals above; a change that makes the client bigger fails.
// (Measured on 2026-12-08: first load 310.8 KB; the builder 223.5 KB, the form editor
// 107.6 KB, admin billing 84.2 KB, billing 82.5 KB, every other page and part under 80 KB.
// A page's figure counts the chunks it shares with other pages, so it moves by a few KB
// when another split point is added. Parts below the fold (a form's jumps and ending, the
// account's devices, the wizard's plan step, the settings' logo and danger zone, the bio
// preview) loading on their own took the account page from 92.3 to 74.4 KB, setup from
// 84.2 to 64.4 KB and settings from 95.3 to 70.1 KB.)
export const FIRST_LOAD_CEILING = 312 * 1024;
export const ROUTE_CEILINGS = {
  builder_page: 225 * 1024,
  form_page: 110 * 1024,
  admin_billing_page: 86 * 1024,
  billing_page: 84 * 1024,
};
export const routeCeiling = (name) => ROUTE_CEILINGS[name] ?? ROUTE_BUDGET;

function brotliSize(file) {
  const br = `${file}.br`;
  if (fs.existsSync(br)) return fs.statSync(br).size;
  const data = fs.readFileSync(file);
  return zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
}

// Parts of a page, by split name, and the page they belong to (declared with lazy_view!).
const PARTS = [[/^bio_\w+_part$/, 'builder_page'], [/^form_\w+_part$/, 'form_page'], [/^account_\w+_part$/, 'account_page'], [/^setup_\w+_part$/, 'setup_page'], [/^settings_\w+_part$/, 'settings_page']];

/** The first load and every lazy route's own download, in brotli bytes. */
export function clientSize(dist) {
  const entries = fs.readdirSync(dist);
  const pkgName = entries.find((n) => /^app-wasm-[0-9a-f]{16}$/.test(n));
  if (!pkgName) throw new Error(`${dist}: no app-wasm-<hash>/ folder (was the client built by scripts/client-wasm.sh?)`);
  const pkg = path.join(dist, pkgName);
  const index = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');

  // The first load: index.html, what it links (stylesheets, scripts), the main module's JS,
  // the split loader and wasm-bindgen's snippets it imports, and the main WebAssembly.
  const first = [['index.html', brotliSize(path.join(dist, 'index.html'))]];
  const linked = [...index.matchAll(/(?:href|src)="\/([^"]+\.(?:css|js))"/g)].map((m) => m[1]);
  for (const rel of new Set(linked)) first.push([rel, brotliSize(path.join(dist, rel))]);
  const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]));
  for (const file of walk(pkg)) {
    const rel = path.relative(dist, file);
    if (/\.(br|gz)$/.test(rel) || first.some(([r]) => r === rel)) continue;
    if (rel.endsWith('.js') || rel.endsWith('frontend_bg.wasm')) first.push([rel, brotliSize(file)]);
  }
  const firstTotal = first.reduce((s, [, n]) => s + n, 0);

  // Each route: `export const __wasm_split_load_<name> = wrapAsyncCb(makeLoad(() => { … fetch
  // ("./split_<name>.wasm") … }, [deps]))`; each dep is a `const __chunk_N = makeLoad(… "./chunk_N.wasm" …)`.
  const loader = fs.readFileSync(path.join(pkg, '__wasm_split.js'), 'utf8');
  const chunkFile = new Map([...loader.matchAll(/const (__chunk_\d+) = makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+)"/g)].map((m) => [m[1], m[2]]));
  const splits = new Map();
  for (const m of loader.matchAll(/export const __wasm_split_load_(\w+?) = wrapAsyncCb\(makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+)"[\s\S]*?\}\s*,\s*\[([^\]]*)\]/g)) {
    const name = m[1].replace(/^__/, '').replace(/_view_\d+$/, '').replace(/_\d+$/, '');
    splits.set(name, { file: m[2], deps: m[3].split(',').map((d) => d.trim()).filter(Boolean) });
  }
  const routes = [];
  for (const [name, { file, deps }] of splits) {
    // A part of a page (a tab) is fetched once its page is open: count only what it adds.
    const parent = PARTS.find(([re]) => re.test(name))?.[1];
    const already = new Set(parent && splits.has(parent) ? splits.get(parent).deps : []);
    const own = brotliSize(path.join(pkg, file));
    const extra = deps.filter((d) => !already.has(d));
    const shared = extra.reduce((s, d) => {
      const chunk = chunkFile.get(d);
      if (!chunk) throw new Error(`__wasm_split.js: ${d} is not a chunk`);
      return s + brotliSize(path.join(pkg, chunk));
    }, 0);
    routes.push({ name, file, parent, own, shared, total: own + shared, chunks: extra.length });
  }
  if (routes.length === 0) throw new Error(`${pkg}/__wasm_split.js lists no split route`);
  routes.sort((a, b) => b.total - a.total);
  return { first, firstTotal, routes };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

export function formatSize({ first, firstTotal, routes }) {
  const lines = [`first load: ${kb(firstTotal)} brotli (budget ${kb(FIRST_LOAD_BUDGET)})`];
  for (const [rel, n] of first.sort((a, b) => b[1] - a[1])) lines.push(`  ${kb(n).padStart(9)}  ${rel}`);
  lines.push(`lazy routes, on first opening (budget ${kb(ROUTE_BUDGET)} each): own module + shared chunks`);
  for (const r of routes) lines.push(`  ${kb(r.total).padStart(9)}  ${r.name} (${kb(r.own)} + ${r.chunks} chunks ${kb(r.shared)})${r.parent ? `, once ${r.parent} is open` : ''}`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = process.argv[2] || path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');
  console.log(formatSize(clientSize(dist)));
}
