// Opens report.html files in a real headless Chromium (Debian's package, driven by
// playwright-core; no browser is downloaded) and fails on any console error or warning, page
// error or network request, or any chart that did not render; saves a full-page screenshot of
// each. Usage: node check-report.js SCREENSHOT_DIR NAME=path/to/report.html ...
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const executablePath = process.env.BVR_CHROMIUM || '/usr/bin/chromium';

// In the page: each money chart's final values, from the data it draws, against the tables the
// page shows (formatted as report.md formats USD). Returns the disagreements.
function chartsAgreeWithTables() {
  const problems = [];
  const usd = (v) => {
    const a = Math.abs(v), s = v < 0 ? '-' : '';
    if (a >= 1e9) return `${s}$${(a / 1e9).toFixed(2)}B`;
    if (a >= 1e6) return `${s}$${(a / 1e6).toFixed(1)}M`;
    if (a >= 1e3) return `${s}$${(a / 1e3).toFixed(1)}k`;
    return `${s}$${a.toFixed(0)}`;
  };
  const page = JSON.parse(document.getElementById('bvr-data').textContent);
  const rows = (name) => {
    const t = page.datasets[name];
    if (!t) return [];
    return t.rows.map((row) => Object.fromEntries(t.fields.map((f, i) => [f, row[i]])));
  };
  const tables = Array.from(document.querySelectorAll('table')).map((t) =>
    Array.from(t.querySelectorAll('tr')).map((tr) => Array.from(tr.children).map((c) => c.textContent.trim())));
  const money = tables.find((t) => t[0][0] === 'option' && t[0][t[0].length - 1] === 'total');
  const cumulative = rows('cumulative');
  if (cumulative.length > 0) {
    if (!money) return ['cumulative cost chart without the table of costs (total column) to agree with'];
    const options = rows('options');
    for (const row of money.slice(1)) {
      const name = row[0], total = row[row.length - 1];
      const mine = cumulative.filter((r) => r.option === name);
      const nominal = mine.filter((r) => r.measure === 'nominal').sort((a, b) => a.order - b.order).pop();
      const npv = mine.find((r) => r.measure === 'NPV');
      const o = options.find((r) => r.option === name);
      if (!nominal || usd(nominal.usd) !== total) problems.push(`cumulative cost of ${name} ends at ${nominal && usd(nominal.usd)}, the table says ${total}`);
      if (!npv || !o || npv.usd !== o.npv_mean) problems.push(`cumulative cost chart's NPV of ${name} differs from the NPV chart's`);
      const stacked = rows('costs').filter((r) => r.option === name).reduce((sum, r) => sum + r.usd, 0);
      if (usd(stacked) !== total) problems.push(`cost by category of ${name} adds up to ${usd(stacked)}, the table says ${total}`);
    }
  }
  const why = rows('why');
  const whyTable = tables.find((t) => t[0][0].startsWith('cause'));
  if (why.length > 0) {
    if (!whyTable) return problems.concat(['why chart without its table']);
    for (const [label, cause] of [['NPV difference', 'NPV difference'], ['time-adjusted difference', 'time-adjusted difference']]) {
      const tableRow = whyTable.find((r) => r[0] === label);
      const bars = why.filter((r) => r.cause === cause);
      bars.forEach((bar, i) => {
        if (!tableRow || usd(bar.end_usd) !== tableRow[i + 1]) problems.push(`why chart: ${bar.pair} ${cause} ${usd(bar.end_usd)}, the table says ${tableRow && tableRow[i + 1]}`);
      });
    }
    // Each pair's causes end where its differences do.
    for (const pair of new Set(why.map((r) => r.pair))) {
      const causes = why.filter((r) => r.pair === pair && r.kind !== 'total').sort((a, b) => a.order - b.order);
      const adjusted = why.find((r) => r.pair === pair && r.cause === 'time-adjusted difference');
      const end = causes.length ? causes[causes.length - 1].end_usd : 0;
      if (!adjusted || Math.abs(end - adjusted.end_usd) > 1e-6 * Math.abs(adjusted.end_usd)) problems.push(`why chart: the causes of ${pair} end at ${end}, not at the time-adjusted difference`);
    }
  }
  return problems;
}

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
  for (const p of await page.evaluate(chartsAgreeWithTables)) problems.push(p);
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
