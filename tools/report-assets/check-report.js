// Opens report.html files in a real headless Chromium (Debian's package, driven by
// playwright-core; no browser is downloaded) and fails on any console error or warning, page
// error or network request, or any chart that did not render; saves a full-page screenshot of
// each. Usage: node check-report.js SCREENSHOT_DIR NAME=path/to/report.html ...
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const executablePath = process.env.BVR_CHROMIUM || '/usr/bin/chromium';

async function check(browser, name, file, shots) {
  const problems = [];
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // The report must not fetch anything: only the file itself may load.
  const url = 'file://' + path.resolve(file);
  await page.route('**/*', (route) => {
    const wanted = route.request().url();
    if (wanted === url) return route.continue();
    problems.push(`network request: ${wanted}`);
    return route.abort();
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__bvrChartsDone !== undefined, null, { timeout: 30000 });
  await page.evaluate(() => window.__bvrChartsDone);
  const state = await page.evaluate(() => ({
    expected: window.__bvrChartsExpected,
    rendered: window.__bvrChartsRendered,
    errors: window.__bvrChartErrors,
    charts: Array.from(document.querySelectorAll('div.vega')).map((el) => {
      const svg = el.querySelector('svg, canvas');
      const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
      return { id: el.id, width: box.width, height: box.height, marks: el.querySelectorAll('.mark-line path, .mark-rect path, .mark-symbol path, .mark-area path, .mark-rule line').length };
    }),
  }));
  for (const e of state.errors) problems.push(`chart error: ${e}`);
  if (state.expected !== state.charts.length) problems.push(`${state.charts.length} chart containers, ${state.expected} specs`);
  if (state.rendered !== state.expected) problems.push(`${state.rendered} of ${state.expected} charts rendered`);
  for (const c of state.charts) {
    if (!(c.width > 0 && c.height > 0)) problems.push(`${c.id}: no drawing (${c.width} x ${c.height})`);
    if (c.marks === 0) problems.push(`${c.id}: no marks drawn`);
  }
  // Hover a mark of the first bar chart (or any chart) and expect vega-tooltip's box.
  let tooltip = 'no mark to hover';
  const mark = await page.$('.mark-rect path') || await page.$('.mark-symbol path');
  if (mark) {
    await mark.scrollIntoViewIfNeeded();
    await mark.hover({ force: true });
    try {
      await page.waitForSelector('#vg-tooltip-element.visible', { timeout: 5000 });
      tooltip = (await page.textContent('#vg-tooltip-element')).replace(/\s+/g, ' ').trim().slice(0, 80);
    } catch (e) {
      problems.push('hovering a mark showed no tooltip');
    }
    await page.mouse.move(0, 0);
  }
  const shot = path.join(shots, `${name}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  await page.close();
  const size = fs.statSync(file).size;
  console.log(`${problems.length ? 'FAIL' : 'ok  '} ${name}: ${state.rendered}/${state.expected} charts, ` +
              `${(size / 1024).toFixed(0)} KiB, tooltip "${tooltip}", screenshot ${shot}`);
  for (const p of problems) console.log(`     ${p}`);
  return problems.length === 0;
}

async function main() {
  const [shots, ...reports] = process.argv.slice(2);
  if (!shots || reports.length === 0) {
    console.error('usage: node check-report.js SCREENSHOT_DIR NAME=report.html ...');
    process.exit(2);
  }
  fs.mkdirSync(shots, { recursive: true });
  // Playwright starts the browser with a fresh temporary profile (--user-data-dir) of its own.
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
  let ok = true;
  try {
    for (const item of reports) {
      const at = item.indexOf('=');
      ok = (await check(browser, item.slice(0, at), item.slice(at + 1), shots)) && ok;
    }
  } finally {
    await browser.close();
  }
  process.exit(ok ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
