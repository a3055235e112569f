// Build gongkai's diagram viewer into the web app's static files:
//   src/diagram.js  (with bpmn-js)          -> ../static/diagram/diagram.js
//   src/diagram.css (with bpmn-js's styles) -> ../static/diagram/diagram.css
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
  entryPoints: [join(here, 'src', 'diagram.js'), join(here, 'src', 'diagram.css')],
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
  const licence = (await readdir(join(here, folder))).find((f) => /^(licen[cs]e|copying)/i.test(f));
  const text = licence ? await readFile(join(here, folder, licence), 'utf8') : manifest.license;
  notices.push(`${manifest.name} ${manifest.version}\n\n${String(text).trim()}\n`);
}
await writeFile(join(out, 'LICENSES.txt'), notices.join(`\n${'-'.repeat(72)}\n\n`));
console.log(`built ${relative(process.cwd(), out) || out}: diagram.js, diagram.css, LICENSES.txt`);
