// Opens report.html files in a real headless Chromium (Debian's package, driven by
// playwright-core; no browser is downloaded) at a laptop's 1280 px and fails on any console
// error or warning, page error or network request, any chart that did not render, any charted
// number that differs from the tables or from the results.json and series CSVs beside the page,
// any table number unlike its own source (the results.json or sweep.csv key its cell names in
// data-key; a numeric cell without one fails), two axis labels that overlap, any
// table column hidden behind a scroll and any label cut short; saves a full-page screenshot of
// each. Usage: node check-report.js SCREENSHOT_DIR NAME=path/to/report.html ...
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const executablePath = process.env.BVR_CHROMIUM || '/usr/bin/chromium';

// In the page, once before the checks: what every check needs (page.evaluate sends each function's
// source alone, so the checks cannot share this file's closures): USD as report.md writes it, a
// dataset of the page as objects, and the page's tables as rows of cell texts.
function installHelpers() {
  const data = JSON.parse(document.getElementById('bvr-data').textContent);
  window.bvrCheck = {
    usd(v) {
      const a = Math.abs(v), s = v < 0 ? '-' : '';
      if (a >= 1e9) return `${s}$${(a / 1e9).toFixed(2)}B`;
      if (a >= 1e6) return `${s}$${(a / 1e6).toFixed(1)}M`;
      if (a >= 1e3) return `${s}$${(a / 1e3).toFixed(1)}k`;
      return `${s}$${a.toFixed(0)}`;
    },
    rows(name) {
      const t = data.datasets[name];
      if (!t) return [];
      return t.rows.map((row) => Object.fromEntries(t.fields.map((f, i) => [f, row[i]])));
    },
    tables() {
      return Array.from(document.querySelectorAll('table')).map((t) =>
        Array.from(t.querySelectorAll('tr')).map((tr) => Array.from(tr.children).map((c) => c.textContent.trim())));
    },
  };
}

// In the page: each money chart's final values, from the data it draws, against the tables the
// page shows (formatted as report.md formats USD). Returns the disagreements.
function chartsAgreeWithTables() {
  const { usd, rows } = window.bvrCheck;
  const problems = [];
  const tables = window.bvrCheck.tables();
  // The table of costs: a row per category, a column per option, and a total row.
  const money = tables.find((t) => t[0][0] === 'category' && t.some((r) => r[0] === 'total'));
  const cumulative = rows('cumulative');
  if (cumulative.length > 0) {
    if (!money) return ['cumulative cost chart without the table of costs (total row) to agree with'];
    const options = rows('options');
    const totals = money.find((r) => r[0] === 'total');
    for (let column = 1; column < money[0].length; ++column) {
      const name = money[0][column], total = totals[column];
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
  const { usd, rows } = window.bvrCheck;
  const problems = [];
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
  // The table's categories add up to its total: every cost_*_usd but the credits beyond the runs.
  for (const o of results.options) {
    const sum = Object.entries(o.metrics)
      .filter(([name]) => /^cost_.*_usd$/.test(name) && !['cost_value_beyond_runs_usd', 'cost_sublet_income_usd'].includes(name))
      .reduce((total, [, m]) => total + m.mean, 0);
    const total = metric(o, 'total_cost_usd').mean;
    if (Math.abs(sum - total) > 1e-6 * Math.abs(total) + 1) problems.push(`${o.name}: the cost categories add up to ${sum}, total_cost_usd is ${total}`);
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
  const comparison = window.bvrCheck.tables().find((t) => t[0].includes('NPV cost') && t[0].includes('time-adjusted cost'));
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

// In the page: the capacity charts (GPUs, power, progress) and the cumulative cost's weekly line,
// point by point, against the series-<option>.csv files beside the page (passed in, parsed): the
// page draws one point a week, the mean of the week's days as the CSV has them (rounded to the
// decimals the page keeps), dated at the week's first day, and the last day alone where the line
// ends (report_html.cpp, weeks_of). Every point is compared, the final ones included; then the
// final values against results.json: the progress reaches 1 exactly when the option finished.
function chartsAgreeWithSeries({ series, results }) {
  const { rows } = window.bvrCheck;
  const problems = [];
  // Equal at the page's precision: rounding a mean to `decimals` may tie differently in C++ and JS.
  const near = (drawn, want, decimals) => typeof drawn === 'number' && Math.abs(drawn - want) <= 0.5 * 10 ** -decimals + 1e-9 * Math.abs(want);
  const weeks = (days) => {
    const out = [];
    for (let i = 0; i + 1 < days; i += 7) out.push([i, Math.min(i + 7, days - 1)]);
    if (days > 0) out.push([days - 1, days]);
    return out;
  };
  const mean = (csv, [a, b], f) => { let sum = 0; for (let i = a; i < b; ++i) sum += f(csv[i]); return sum / (b - a); };
  const max = (csv, [a, b], f) => { let m = 0; for (let i = a; i < b; ++i) m = Math.max(m, f(csv[i])); return m; };
  let compared = 0;
  for (const [option, csv] of Object.entries(series)) {
    const o = results && results.options.find((x) => x.name === option);
    const ws = weeks(csv.length);
    const check = (what, drawn, want, decimals) => {
      ++compared;
      if (!near(drawn, want, decimals)) problems.push(`${what} of ${option}: the chart draws ${drawn}, series-${option}.csv gives ${want.toFixed(decimals)}`);
    };
    // GPUs online and training, progress and the binding constraint ("series").
    const drawnSeries = rows('series').filter((r) => r.option === option);
    if (drawnSeries.length !== ws.length) problems.push(`GPU chart of ${option}: ${drawnSeries.length} points, ${ws.length} weeks in the CSV`);
    ws.forEach((w, k) => {
      const p = drawnSeries[k];
      if (!p) return;
      const at = `week of ${csv[w[0]].date}`;
      if (p.date !== csv[w[0]].date) problems.push(`GPU chart of ${option}: point ${k} dated ${p.date}, the CSV's week starts ${csv[w[0]].date}`);
      check(`GPUs online, ${at},`, p.gpus_online, mean(csv, w, (r) => r.gpus_online), 1);
      check(`GPUs training, ${at},`, p.gpus_training, mean(csv, w, (r) => r.gpus_training), 1);
      check(`progress, ${at},`, p.training_progress, csv[w[1] - 1].training_progress, 6);
      if (p.binding !== csv[w[1] - 1].binding_constraint) problems.push(`GPU chart of ${option}: binding ${p.binding} ${at}, the CSV says ${csv[w[1] - 1].binding_constraint}`);
    });
    // Power drawn, the supply of the option's own sites (each site's and their sum) and the
    // provider's cap ("power"), by measure.
    const power = rows('power').filter((r) => r.option === option);
    const byMeasure = (m) => power.filter((r) => r.measure === m);
    const lines = [['drawn', (r) => r.facility_power_mw]];
    const own = (r) => r.power_supply_mw - r.lease_supply_mw;
    if (csv.some((r) => own(r) > 1e-9)) lines.push(['supply, own sites', own]);
    if (csv.some((r) => r.lease_supply_mw > 0)) lines.push(["supply, provider's cap", (r) => r.lease_supply_mw]);
    for (const column of Object.keys(csv[0] || {})) {
      const site = /^site_(power|supply)_mw\.(.+)$/.exec(column);
      if (site) lines.push([`${site[1] === 'power' ? 'drawn' : 'supply'}, site ${site[2]}`, (r) => r[column]]);
    }
    const measures = new Set(power.map((r) => r.measure));
    for (const m of measures)
      if (!lines.some(([name]) => name === m)) problems.push(`power chart of ${option}: a line "${m}" the CSV has no column for`);
    for (const [measure, f] of lines) {
      const drawn = byMeasure(measure);
      if (drawn.length !== ws.length) { problems.push(`power chart of ${option}: ${drawn.length} points of "${measure}", ${ws.length} weeks in the CSV`); continue; }
      ws.forEach((w, k) => {
        const at = `week of ${csv[w[0]].date}`;
        if (drawn[k].date !== csv[w[0]].date) problems.push(`power chart of ${option}: "${measure}" point ${k} dated ${drawn[k].date}, the week starts ${csv[w[0]].date}`);
        check(`power "${measure}", ${at},`, drawn[k].mw, mean(csv, w, f), 4);
        if (measure === 'drawn') {
          check(`power from the grid, ${at},`, drawn[k].grid_mw, mean(csv, w, (r) => r.grid_mw), 4);
          check(`power from turbines, ${at},`, drawn[k].turbine_mw, mean(csv, w, (r) => r.turbine_mw), 4);
          check(`peak power drawn, ${at},`, drawn[k].peak_mw, max(csv, w, (r) => r.facility_power_mw), 4);
        }
      });
    }
    // The cumulative cost's weekly line: spending to date at each week's first day, as the CSV has it.
    const nominal = rows('cumulative').filter((r) => r.option === option && r.measure === 'nominal').sort((a, b) => a.order - b.order);
    if (nominal.length !== ws.length + 1) problems.push(`cumulative cost of ${option}: ${nominal.length} points, ${ws.length} weeks and the total expected`);
    else ws.forEach((w, k) => check(`cumulative cost on ${csv[w[0]].date}`, nominal[k].usd, csv[w[0]].cumulative_cost_usd, 2));
    // The final values against results.json: a finished option's progress ends at 1 (the series
    // is the first replication; it finished if every replication did), one that never finished
    // ends below.
    const last = drawnSeries[drawnSeries.length - 1];
    // No more GPUs online than the option's sites have (results.json `sites`, committed or ordered).
    const siteGpus = o && (o.sites || []).reduce((sum, site) => sum + site.gpus, 0);
    if (siteGpus && drawnSeries.some((p) => p.gpus_online > siteGpus)) problems.push(`GPU chart of ${option}: more GPUs online than its sites' ${siteGpus} in results.json`);
    if (o && last) {
      if (o.finished_all_runs && last.training_progress !== 1) problems.push(`progress of ${option} ends at ${last.training_progress}, results.json says every run finished`);
      if (o.finished_share === 0 && !(last.training_progress < 1)) problems.push(`progress of ${option} ends at ${last.training_progress}, results.json says no replication finished`);
    }
  }
  if (Object.keys(series).length > 0 && compared === 0) problems.push('series CSVs given, no charted point compared with them');
  return { problems, compared };
}

// In the page: every number in the page's tables, and every figure the prose marks (the Verdict's
// cheapest, fastest and value of time), against its own source. The report model marks
// each numeric cell with the key paths of the values it shows, in the order shown (data-key:
// "options.build.metrics.npv_cost_usd.p50 ...", array elements by name or index, "a+b" a sum; a
// sweep report's "sweep.axes.N.from|to|distinct|unit", recomputed from sweep.csv's axis column;
// a text key, a unit, must equal the cell's whole text). Each
// number must equal its key's value at the precision shown (half a unit of its last digit: a tie
// rounds either way), a percentage its fraction × 100, a date the start plus the whole days of its
// key (or the date its key holds). A cell with a number but no key, or with more or fewer numbers
// than keys, or a key that names nothing, fails. Returns the disagreements and how many numbers
// were compared.
function cellsAgreeWithSources({ results, sweep, series }) {
  const problems = [];
  const day = 86400000;
  const lookup = (root, key) => key.split('.').reduce((v, seg) => {
    if (Array.isArray(v)) {
      const named = v.find((e) => e && (e.name === seg || e.other === seg || e.cause === seg));
      return named !== undefined ? named : /^\d+$/.test(seg) ? v[Number(seg)] : undefined;
    }
    return v && typeof v === 'object' ? v[seg] : undefined;
  }, root);
  // sweep.csv's axis columns: between `point` and `option`.
  const sweepAxis = (index, what) => {
    if (!sweep || sweep.length === 0) return undefined;
    const columns = Object.keys(sweep[0]);
    const column = columns.slice(columns.indexOf('point') + 1, columns.indexOf('option'))[index];
    if (column === undefined) return undefined;
    const values = sweep.map((r) => r[column]);
    const distinct = [...new Set(values)];
    if (what === 'distinct') return distinct.length;
    if (what === 'unit') return (/\[(.*)\]$/.exec(column) || [])[1];
    if (distinct.every((v) => typeof v === 'number')) return what === 'from' ? Math.min(...distinct) : Math.max(...distinct);
    // A text axis: its values in the order they first appear, as the report labels them.
    return String(what === 'from' ? distinct[0] : distinct[distinct.length - 1]);
  };
  const value = (key) => {
    const sum = key.split('+').map((part) => {
      const m = /^sweep\.axes\.(\d+)\.(from|to|distinct|unit)$/.exec(part);
      if (m) return sweepAxis(Number(m[1]), m[2]);
      // A day of an option's series-<option>.csv beside the page: series.<option>.<row>.<column>.
      const d = /^series\.(.+)\.(\d+)\.(\w+)$/.exec(part);
      if (d) {
        const row = ((series || {})[d[1]] || [])[Number(d[2])];
        if (!row || !(d[3] in row)) return undefined;
        return d[3] === 'date' ? row[d[3]] : Number(row[d[3]]);
      }
      return results ? lookup(results, part) : undefined;
    });
    if (sum.length === 1) return sum[0];
    return sum.every((v) => typeof v === 'number') ? sum.reduce((a, b) => a + b, 0) : undefined;
  };
  const start = results ? Date.parse(results.start_date) : NaN;
  let compared = 0;
  // Table cells, then the figures the prose marks (<span data-key> in the Verdict's bullets).
  const cells = [];
  for (const table of document.querySelectorAll('table')) {
    const head = Array.from(table.querySelectorAll('tr:first-child > *')).map((c) => c.textContent.trim()).join(' | ').slice(0, 50);
    for (const cell of table.querySelectorAll('td')) cells.push([cell, `table (${head})`]);
  }
  for (const span of document.querySelectorAll('span[data-key]')) cells.push([span, `"${span.parentElement.textContent.trim().slice(0, 40)}"`]);
  let spans = 0;
  {
    for (const [cell, place] of cells) {
      if (cell.tagName === 'SPAN') ++spans;
      const shownText = cell.textContent.trim();
      const where = `${place}: "${shownText.slice(0, 50)}"`;
      // Key paths and names with digits in them ("runs.0", "h100-hgx") are not figures.
      const text = cell.textContent.replace(/(?<![\d.])[A-Za-z_][\w.-]*\d[\w.-]*/g, ' ');
      const tokens = Array.from(text.matchAll(/(\d{4}-\d{2}-\d{2})|(\d{4}-\d{2})(?![\d-])|((?<![\w.])-)?(\$)?(\d+(?:\.(\d+))?(?:e([+-]?\d+))?)([kMB](?![A-Za-z]))?(\s*%)?/g));
      const keys = (cell.dataset.key || '').split(' ').filter((k) => k !== '');
      if (tokens.length === 0 && keys.length === 0) continue;
      if (keys.length === 0) { problems.push(`${where}: a number without a source (no data-key)`); continue; }
      // A text cell whose source is a text (a unit such as "per 1000 node-days"): the whole text.
      const onlyDate = tokens.length === 1 && (tokens[0][1] || tokens[0][2]);  // compared below, as a date
      if (keys.length === 1 && typeof value(keys[0]) === 'string' && !onlyDate) {
        ++compared;
        if (shownText !== value(keys[0])) problems.push(`${where}: not ${keys[0]} = "${value(keys[0])}"`);
        continue;
      }
      if (tokens.length !== keys.length) { problems.push(`${where}: ${tokens.length} numbers, ${keys.length} keys (${keys.join(' ')})`); continue; }
      tokens.forEach((t, i) => {
        ++compared;
        const expected = value(keys[i]);
        const [token, date, month, minus, dollar, digits, decimals, exponent, suffix, percent] = t;
        if (expected === undefined || expected === null) { problems.push(`${where}: ${keys[i]} names no value`); return; }
        if (date || month) {
          const want = typeof expected === 'string' ? expected.slice(0, token.length)
                     : new Date(start + Math.floor(expected) * day).toISOString().slice(0, token.length);
          if (token !== want) problems.push(`${where}: ${token}, ${keys[i]} gives ${want}`);
          return;
        }
        if (typeof expected !== 'number') { problems.push(`${where}: ${keys[i]} is not a number`); return; }
        const scale = { k: 1e3, M: 1e6, B: 1e9 }[suffix] || 1;
        const shown = (minus ? -1 : 1) * Number(digits) * scale;
        const want = percent ? expected * 100 : expected;
        const half = 0.5 * 10 ** (-(decimals || '').length) * 10 ** Number(exponent || 0) * scale;
        if (!(Math.abs(shown - want) <= half * (1 + 1e-9) + 1e-12 * Math.abs(want)))
          problems.push(`${where}: ${token.trim()} is not ${keys[i]} = ${want}${dollar ? ' USD' : ''}`);
      });
    }
  }
  return { problems, compared, spans };
}

// In the page: no two labels of one axis overlap (each label's box, rotated as drawn, tested
// against its neighbours' by separating axes). Returns the overlaps.
function axisLabelsApart() {
  const problems = [];
  const corners = (text) => {
    const b = text.getBBox(), m = text.getScreenCTM();
    return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]].map(([x, y]) =>
      [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
  };
  const overlap = (p, q) => {
    for (const poly of [p, q])
      for (let i = 0; i < 4; ++i) {
        const [x1, y1] = poly[i], [x2, y2] = poly[(i + 1) % 4];
        const nx = y2 - y1, ny = x1 - x2;
        const project = (r) => r.map(([x, y]) => x * nx + y * ny);
        const a = project(p), b = project(q);
        if (Math.max(...a) <= Math.min(...b) + 0.5 || Math.max(...b) <= Math.min(...a) + 0.5) return false;
      }
    return true;
  };
  let measured = 0;
  for (const chart of document.querySelectorAll('div.vega'))
    for (const axis of chart.querySelectorAll('g.role-axis')) {
      const labels = Array.from(axis.querySelectorAll('g.role-axis-label text')).filter((t) => t.textContent.trim() !== '' && t.getAttribute('opacity') !== '0');
      const boxes = labels.map(corners);
      measured += labels.length;
      for (let i = 0; i < labels.length; ++i)
        for (let j = i + 1; j < labels.length; ++j)
          if (overlap(boxes[i], boxes[j])) problems.push(`${chart.id}: axis labels "${labels[i].textContent}" and "${labels[j].textContent}" overlap`);
    }
  return { problems, measured };
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

// A CSV file as bvr writes it (RFC 4180: quoted fields may hold commas, quotes and line breaks),
// as objects by the header's names; cells that are numbers become numbers.
function readCsv(file) {
  const text = fs.readFileSync(file, 'utf8');
  const records = [];
  let record = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; ++i; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { record.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') ++i;
      record.push(cell); records.push(record); record = []; cell = '';
    } else cell += c;
  }
  if (cell !== '' || record.length) { record.push(cell); records.push(record); }
  const [head, ...rest] = records;
  return rest.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i] !== '' && !isNaN(Number(r[i])) ? Number(r[i]) : r[i]])));
}

async function check(browser, name, file, shots) {
  const problems = [];
  const counts = [];
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
  await page.evaluate(installHelpers);
  for (const p of await page.evaluate(chartsAgreeWithTables)) problems.push(p);
  // A run's report sits beside its results.json and series CSVs: every charted number must be
  // theirs.
  const dir = path.dirname(file);
  const resultsFile = path.join(dir, 'results.json');
  const results = fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, 'utf8')) : null;
  if (results) {
    for (const p of await page.evaluate(chartsAgreeWithResults, results)) problems.push(p);
    for (const p of await page.evaluate(marketAgreesWithResults, results)) problems.push(p);
  }
  // A sweep's report: its sweep.csv beside it.
  const sweepFile = path.join(dir, 'sweep.csv');
  const sweep = fs.existsSync(sweepFile) ? readCsv(sweepFile) : null;
  const series = {};
  for (const name of fs.readdirSync(dir)) {
    const m = /^series-(.+)\.csv$/.exec(name);
    if (m) series[m[1]] = readCsv(path.join(dir, name));
  }
  const cells = await page.evaluate(cellsAgreeWithSources, { results, sweep, series });
  problems.push(...cells.problems);
  counts.push(`${cells.compared} numbers of the tables and of ${cells.spans} marked figures in prose, each against its own source`);
  const seriesCheck = await page.evaluate(chartsAgreeWithSeries, { series, results });
  problems.push(...seriesCheck.problems);
  if (Object.keys(series).length) counts.push(`${seriesCheck.compared} series points`);
  if (results && results.options.some((o) => !(o.name in series))) problems.push('an option of results.json has no series CSV beside the page');
  const labels = await page.evaluate(axisLabelsApart);
  problems.push(...labels.problems);
  counts.push(`${labels.measured} axis labels apart`);
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
              `${(size / 1024).toFixed(0)} KiB, ${counts.join(', ')}, tooltip "${tooltip}", screenshot ${shot}`);
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
