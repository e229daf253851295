// Opens report.html files in a real headless Chromium (Debian's package, driven by
// playwright-core; no browser is downloaded) at a laptop's 1280 px and fails on any console
// error or warning, page error or network request, any chart that did not render, any charted
// number that differs from the tables or from the results.json beside the page, any table column
// hidden behind a scroll and any label cut short; saves a full-page screenshot of each. Usage: node check-report.js SCREENSHOT_DIR NAME=path/to/report.html ...
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

// In the page: every number the charts draw against results.json (passed in): the two verdicts
// per option (NPV and time-adjusted, mean and P10/P90), the nominal total, each cost category,
// the cumulative chart's final values, both tornados and the why waterfall; and the comparison
// table's P50 figures. Returns the disagreements.
function chartsAgreeWithResults(results) {
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
  const same = (what, drawn, written) => {
    if (drawn !== written) problems.push(`${what}: the chart draws ${drawn}, results.json has ${written}`);
  };
  const metric = (o, name) => o.metrics[name] || {};
  for (const o of results.options) {
    const option = rows('options').find((r) => r.option === o.name);
    if (!option) { problems.push(`option ${o.name} is not in the charts' data`); continue; }
    same(`${o.name} NPV mean`, option.npv_mean, metric(o, 'npv_cost_usd').mean);
    same(`${o.name} total mean`, option.total_mean, metric(o, 'total_cost_usd').mean);
    same(`${o.name} time-adjusted mean`, option.time_adjusted_mean, metric(o, 'time_adjusted_cost_usd').mean);
    same(`${o.name} finished`, option.finished, o.finished_all_runs);
    for (const [verdict, name] of [['NPV cost', 'npv_cost_usd'], ['time-adjusted cost', 'time_adjusted_cost_usd']]) {
      const bar = rows('verdicts').find((r) => r.option === o.name && r.verdict === verdict);
      if (!bar) { problems.push(`the verdicts chart has no ${verdict} of ${o.name}`); continue; }
      for (const stat of ['mean', 'p10', 'p50', 'p90']) same(`${o.name} ${verdict} ${stat}`, bar[stat], metric(o, name)[stat]);
    }
    for (const c of rows('costs').filter((r) => r.option === o.name))
      same(`${o.name} cost of ${c.category}`, c.usd, metric(o, `cost_${c.category}_usd`).mean);
    const cumulative = rows('cumulative').filter((r) => r.option === o.name);
    if (cumulative.length > 0) {
      const last = (measure) => cumulative.filter((r) => r.measure === measure).sort((a, b) => a.order - b.order).pop();
      same(`${o.name} cumulative cost at the horizon`, (last('nominal') || {}).usd, metric(o, 'total_cost_usd').mean);
      same(`${o.name} cumulative chart's NPV`, (last('NPV') || {}).usd, metric(o, 'npv_cost_usd').mean);
      same(`${o.name} cumulative chart's time-adjusted cost`, (last('time-adjusted') || {}).usd, metric(o, 'time_adjusted_cost_usd').mean);
    }
  }
  // Both tornados, bar by bar.
  const tornado = rows('tornado');
  if (results.sensitivity.length > 0) {
    for (const verdict of ['NPV', 'time-adjusted']) {
      const key = verdict === 'NPV' ? 'npv_gap' : 'time_adjusted_gap';
      for (const s of results.sensitivity)
        for (const end of ['low', 'high']) {
          const bar = tornado.find((r) => r.verdict === verdict && r.parameter === s.parameter && r.end === end);
          if (!bar) { problems.push(`the ${verdict} tornado has no ${end} bar for ${s.parameter}`); continue; }
          same(`${verdict} tornado ${s.parameter} at ${end}`, bar.gap_usd, s[`${key}_${end}_usd`]);
          same(`${verdict} tornado ${s.parameter} ${end} value`, bar.range, s[end]);
        }
      const base = tornado.find((r) => r.verdict === verdict);
      if (base) same(`${verdict} tornado's base gap`, base.base_usd, results.sensitivity_basis[verdict === 'NPV' ? 'npv_gap_usd' : 'time_adjusted_gap_usd']);
    }
    for (const id of ['chart-tornado', 'chart-tornado-time-adjusted'])
      if (!document.getElementById(id)) problems.push(`no ${id}: both verdicts' tornados must be drawn`);
  }
  // The why waterfall's totals.
  for (const w of results.comparison.why || []) {
    const pair = `${w.other} minus ${w.winner}`;
    const npv = rows('why').find((r) => r.pair === pair && r.cause === 'NPV difference');
    const adjusted = rows('why').find((r) => r.pair === pair && r.cause === 'time-adjusted difference');
    same(`why ${pair} NPV difference`, npv && npv.end_usd, w.npv_difference_usd);
    same(`why ${pair} time-adjusted difference`, adjusted && adjusted.end_usd, w.time_adjusted_difference_usd);
  }
  // The comparison table: P50 figures, as report.md formats them.
  const tables = Array.from(document.querySelectorAll('table')).map((t) =>
    Array.from(t.querySelectorAll('tr')).map((tr) => Array.from(tr.children).map((c) => c.textContent.trim())));
  const comparison = tables.find((t) => t[0].includes('NPV cost') && t[0].includes('time-adjusted cost'));
  if (!comparison) problems.push('no comparison table with the NPV and time-adjusted costs');
  else
    for (const o of results.options) {
      const row = comparison.find((r) => r[0] === o.name);
      if (!row) { problems.push(`${o.name} is not in the comparison table`); continue; }
      for (const [column, name] of [['NPV cost', 'npv_cost_usd'], ['total cost', 'total_cost_usd'], ['time-adjusted cost', 'time_adjusted_cost_usd']]) {
        const cell = row[comparison[0].indexOf(column)];
        if (!cell.startsWith(usd(metric(o, name).p50))) problems.push(`comparison table: ${o.name} ${column} "${cell}", results.json's P50 is ${usd(metric(o, name).p50)}`);
      }
    }
  // The warnings, as results.json has them, near the top.
  const warnings = document.getElementById('warnings');
  if ((results.warnings || []).length > 0) {
    if (!warnings) problems.push('results.json has warnings, the page shows none');
    else if (warnings.querySelectorAll('li').length !== results.warnings.length) problems.push('the page shows another number of warnings than results.json');
  } else if (warnings) problems.push('the page shows warnings that results.json does not have');
  return problems;
}

// In the page: the market chart against results.json's `market` (docs/market.md): every path,
// each month's mean, P10 and P90, each given point and each contract date as written there; and
// the net costs beside the gross (the verdicts chart's net bars, the comparison table's net
// column) against the net metrics. Returns the disagreements.
function marketAgreesWithResults(results) {
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
  const same = (what, drawn, written) => {
    if (drawn !== written) problems.push(`${what}: the chart draws ${drawn}, results.json has ${written}`);
  };
  const market = results.market || [];
  const drawn = rows('market');
  if (market.length === 0) {
    if (drawn.length > 0 || document.getElementById('chart-market')) problems.push('a market chart without a market in results.json');
  } else {
    if (!document.getElementById('chart-market')) problems.push('results.json has a market, the page draws no price paths');
    for (const m of market) {
      const mine = drawn.filter((r) => r.path === m.name);
      const monthly = mine.filter((r) => r.measure === 'monthly');
      same(`${m.name}: months drawn`, monthly.length, m.monthly.length);
      m.monthly.forEach((month, i) => {
        const r = monthly[i] || {};
        same(`${m.name} ${month.date} date`, r.date, month.date);
        same(`${m.name} ${month.date} mean`, r.value, month.mean);
        same(`${m.name} ${month.date} P10`, r.p10, month.p10);
        same(`${m.name} ${month.date} P90`, r.p90, month.p90);
      });
      const points = mine.filter((r) => r.measure === 'given point');
      same(`${m.name}: given points drawn`, points.length, m.points.length);
      m.points.forEach((p, i) => {
        same(`${m.name} point ${i} date`, (points[i] || {}).date, p.date);
        same(`${m.name} point ${i} value`, (points[i] || {}).value, p.value);
      });
      const events = mine.filter((r) => r.measure === 'contract date');
      same(`${m.name}: contract dates drawn`, events.length, (m.events || []).length);
      (m.events || []).forEach((e, i) => {
        const r = events[i] || {};
        same(`${m.name} contract date ${i}`, `${r.date} ${r.option} ${r.what}`, `${e.date} ${e.option} ${e.what}`);
      });
      if (m.uncertain && !m.monthly.some((month) => month.p90 > month.p10)) problems.push(`${m.name} is uncertain but has no spread to draw`);
    }
    const chart = document.getElementById('chart-market');
    if (chart && chart.querySelectorAll('.mark-line path').length < market.length) problems.push('the market chart draws fewer lines than paths');
  }
  // Net beside gross, where results.json has the net costs.
  const tables = Array.from(document.querySelectorAll('table')).map((t) =>
    Array.from(t.querySelectorAll('tr')).map((tr) => Array.from(tr.children).map((c) => c.textContent.trim())));
  const comparison = tables.find((t) => t[0].includes('NPV cost') && t[0].includes('time-adjusted cost'));
  for (const o of results.options) {
    for (const [verdict, name] of [['net NPV cost', 'net_npv_cost_usd'], ['net time-adjusted cost', 'net_time_adjusted_cost_usd']]) {
      const written = o.metrics[name];
      const bar = rows('verdicts').find((r) => r.option === o.name && r.verdict === verdict);
      if (!written) { if (bar) problems.push(`the verdicts chart has a ${verdict} of ${o.name}, results.json none`); continue; }
      if (!bar) { problems.push(`the verdicts chart has no ${verdict} of ${o.name} beside the gross`); continue; }
      for (const stat of ['mean', 'p10', 'p50', 'p90']) same(`${o.name} ${verdict} ${stat}`, bar[stat], written[stat]);
    }
    if (o.metrics.net_npv_cost_usd && comparison) {
      const column = comparison[0].indexOf('net NPV cost');
      const row = comparison.find((r) => r[0] === o.name);
      if (column < 0) problems.push('the comparison table has no net NPV cost column beside the gross');
      else if (!row || !row[column].startsWith(usd(o.metrics.net_npv_cost_usd.p50)))
        problems.push(`comparison table: ${o.name} net NPV cost "${row && row[column]}", results.json's P50 is ${usd(o.metrics.net_npv_cost_usd.p50)}`);
    }
  }
  return problems;
}

// In the page (at a laptop's 1280 px): no table wider than its box (a column behind a scroll
// bar), no cell whose text overflows it, and no chart label cut short (Vega ends it with "…").
function nothingHidden() {
  const problems = [];
  for (const table of document.querySelectorAll('table')) {
    if (table.scrollWidth > table.clientWidth + 1) {
      const head = Array.from(table.querySelectorAll('tr:first-child > *')).map((c) => c.textContent.trim());
      problems.push(`a table is ${table.scrollWidth} px wide in ${table.clientWidth} px: columns hidden behind a scroll (${head.join(' | ').slice(0, 80)})`);
    }
    for (const cell of table.querySelectorAll('td, th'))
      if (cell.scrollWidth > cell.clientWidth + 1) problems.push(`cell "${cell.textContent.trim().slice(0, 40)}" overflows its column`);
  }
  for (const text of document.querySelectorAll('div.vega svg text')) {
    const t = text.textContent;
    if (t.endsWith('…') || t.endsWith('...')) problems.push(`chart label cut short: "${t}"`);
  }
  return problems;
}

async function check(browser, name, file, shots) {
  const problems = [];
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
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
  // A run's report sits beside its results.json: every charted number must be results.json's.
  const resultsFile = path.join(path.dirname(file), 'results.json');
  if (fs.existsSync(resultsFile)) {
    const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    for (const p of await page.evaluate(chartsAgreeWithResults, results)) problems.push(p);
    for (const p of await page.evaluate(marketAgreesWithResults, results)) problems.push(p);
  }
  for (const p of await page.evaluate(nothingHidden)) problems.push(p);
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
