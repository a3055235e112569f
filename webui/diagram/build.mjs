// Build gongkai's diagram viewer and charts into the web app's static files:
//   src/diagram.js  (with bpmn-js)          -> ../static/diagram/diagram.js
//   src/diagram.css (with bpmn-js's styles) -> ../static/diagram/diagram.css
//   src/charts.js   (with Apache ECharts)   -> ../static/diagram/charts.js
//   src/charts.css                          -> ../static/diagram/charts.css
// and the licences of every package bundled -> ../static/diagram/LICENSES.txt
// Run `npm ci && npm run build` here; nothing is fetched at run time.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'static', 'diagram');

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
const result = await build({
  entryPoints: ['diagram.js', 'diagram.css', 'charts.js', 'charts.css'].map((f) => join(here, 'src', f)),
  outdir: out,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  legalComments: 'none',
  metafile: true,
  absWorkingDir: here,
  logLevel: 'warning',
});

// The packages whose code is in the bundle, each with its licence text.
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const parts = relative(here, join(here, input)).split(sep);
  const at = parts.lastIndexOf('node_modules');
  if (at >= 0) {
    const scoped = parts[at + 1].startsWith('@');
    packages.add(parts.slice(0, at + (scoped ? 3 : 2)).join(sep));
  }
}
const notices = [];
for (const folder of [...packages].sort()) {
  const manifest = JSON.parse(await readFile(join(here, folder, 'package.json'), 'utf8'));
  const files = await readdir(join(here, folder));
  const licence = files.find((f) => /^(licen[cs]e|copying)/i.test(f));
  const text = licence ? await readFile(join(here, folder, licence), 'utf8') : manifest.license;
  // An Apache-2.0 package's NOTICE goes with its code (licence section 4(d)).
  const notice = files.find((f) => /^notice/i.test(f));
  const noticeText = notice ? `\n${(await readFile(join(here, folder, notice), 'utf8')).trim()}\n` : '';
  notices.push(`${manifest.name} ${manifest.version}\n\n${String(text).trim()}\n${noticeText}`);
}
await writeFile(join(out, 'LICENSES.txt'), notices.join(`\n${'-'.repeat(72)}\n\n`));
const built = 'diagram.js, diagram.css, charts.js, charts.css, LICENSES.txt';
console.log(`built ${relative(process.cwd(), out) || out}: ${built}`);
