// Gathers what report.html inlines into dist/: the three minified bundles (vega, vega-lite,
// vega-embed) and THIRD-PARTY-NOTICES.txt, the licence of every package they are built from.
// BSD-3-Clause, MIT and ISC all ask that the notice travel with the code, and report.html is a
// copy of the code: bvr puts this file into every report. Run by tools/setup.sh after `npm ci`.
'use strict';
const fs = require('fs');
const path = require('path');

const here = __dirname;
const dist = path.join(here, 'dist');
const bundles = [
  ['vega', 'build/vega.min.js'],
  ['vega-lite', 'build/vega-lite.min.js'],
  ['vega-embed', 'build/vega-embed.min.js'],
];

fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(dist);
for (const [name, file] of bundles) {
  fs.copyFileSync(path.join(here, 'node_modules', name, file), path.join(dist, path.basename(file)));
}

// Production packages from the lock file (the browser-test driver is a dev dependency and is not
// inlined). Packages that share a licence text (the d3 modules, the vega modules) share a notice.
const lock = JSON.parse(fs.readFileSync(path.join(here, 'package-lock.json'), 'utf8'));
const byText = new Map();
for (const [where, entry] of Object.entries(lock.packages)) {
  if (!where || entry.dev) continue;
  const dir = path.join(here, where);
  const licence = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
  if (!licence) throw new Error(`${where}: no licence file`);
  const text = fs.readFileSync(path.join(dir, licence), 'utf8').trim();
  const name = `${where.replace(/^.*node_modules\//, '')}@${entry.version} (${entry.license})`;
  if (!byText.has(text)) byText.set(text, []);
  byText.get(text).push(name);
}
let notices = 'Third-party software inlined in this report (vega, vega-lite and vega-embed, with the packages they bundle):\n';
for (const [text, names] of byText) notices += `\n${names.sort().join(', ')}\n\n${text}\n`;
fs.writeFileSync(path.join(dist, 'THIRD-PARTY-NOTICES.txt'), notices);
console.log(`report assets: ${bundles.length} bundles and notices of ${[...byText.values()].flat().length} packages in ${dist}`);
