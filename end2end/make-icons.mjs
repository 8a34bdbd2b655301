// Renders the app icon (public/icons/icon.svg) into the PNG sizes the web app manifest
// lists, with Chromium. Run once after changing the SVG:  node end2end/make-icons.mjs
// "any" icons keep the rounded square; "maskable" ones fill the whole square with the
// brand colour and keep the mark inside the central 80 % safe zone.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './lib/browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const icons = path.join(here, '..', 'public', 'icons');
const svg = readFileSync(path.join(icons, 'icon.svg'), 'utf8');
const mark = svg.match(/<path[^>]*\/>/)[0];
const maskable = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" fill="#5b7cfa"/><g transform="translate(76.8 76.8) scale(0.7)">${mark}</g></svg>`;

const browser = await launch();
const page = await browser.newPage();
for (const [name, source] of [['icon', svg], ['maskable', maskable]]) {
  for (const size of [192, 512]) {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(`<html><body style="margin:0;background:transparent">${source.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`);
    const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    writeFileSync(path.join(icons, `${name}-${size}.png`), png);
    console.log(`wrote public/icons/${name}-${size}.png (${png.length} bytes)`);
  }
}
await browser.close();
