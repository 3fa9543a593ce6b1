// Checks a rendered weaklink report in headless Chromium.
// Usage: node test/report_test.mjs REPORT.html REPORT.json SCHEMA.json SCREENSHOT.png
//   REPORT.json must validate against SCHEMA.json (JSON Schema draft 2020-12); REPORT.html must
//   render without console errors, page errors or any non-file request, draw its charts and body
//   figure, and give a non-trivial full-page screenshot. Chromium: $CHROMIUM or /usr/bin/chromium.
// Exit status: 0 all checks passed, 1 a check failed, 2 bad usage or setup.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import { chromium } from 'playwright-core';

const READY_TIMEOUT_MS = 30000;
const MIN_SCREENSHOT_BYTES = 20 * 1024;
const MIN_MARKS_PER_VIEW = 2;

function usage(message) {
  if (message) console.error(`report_test: ${message}`);
  console.error('usage: node test/report_test.mjs REPORT.html REPORT.json SCHEMA.json SCREENSHOT.png');
  process.exit(2);
}

const args = process.argv.slice(2);
if (args.length !== 4) usage(`expected 4 arguments, got ${args.length}`);
const [htmlPath, jsonPath, schemaPath, screenshotPath] = args.map((p) => path.resolve(p));
for (const p of [htmlPath, jsonPath, schemaPath]) if (!fs.existsSync(p)) usage(`${p} does not exist`);

const failures = [];
const fail = (message) => failures.push(message);

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    usage(`${file} is not valid JSON: ${err.message}`);
  }
}

// (a) schema validation
const report = readJson(jsonPath);
const schema = readJson(schemaPath);
const ajv = new Ajv2020({ allErrors: true, strict: true });
let validate;
try {
  validate = ajv.compile(schema);
} catch (err) {
  usage(`${schemaPath} is not a usable schema: ${err.message}`);
}
if (!validate(report)) {
  for (const e of validate.errors) {
    const extra = e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : '';
    fail(`schema: ${e.instancePath || '(root)'} ${e.message}${extra}`);
  }
}

const list = (x) => (Array.isArray(x) ? x : []);
const activities = list(report.activities);
const weakLinks = list(report.weak_links);
const demandKeys = new Set(list(report.muscle_demand).map((d) => `${d && d.region}|${d && d.side}`));
// One line chart per activity with frames, then the peak bars and the weak-link ranking.
const withFrames = activities.filter((a) => list(a && a.time).length > 0).length;
const expectedViews = withFrames + (activities.length ? 1 : 0) + (weakLinks.length ? 1 : 0);

// (b) render in Chromium
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
if (!fs.existsSync(executablePath)) usage(`Chromium not found at ${executablePath} (set CHROMIUM)`);

const consoleErrors = [];
const consoleWarnings = [];
const pageErrors = [];
const externalRequests = [];
const isLocal = (url) => /^(file|data|blob):/i.test(url);

let browser;
let summary = {};
try {
  browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  // Record and block anything that would leave the machine.
  await context.route((url) => !isLocal(url.href), (route) => route.abort('blockedbyclient'));
  const page = await context.newPage();
  page.on('console', (msg) => {
    const where = msg.location() && msg.location().url ? ` (${path.basename(msg.location().url)}:${msg.location().lineNumber})` : '';
    if (msg.type() === 'error') consoleErrors.push(msg.text() + where);
    else if (msg.type() === 'warning') consoleWarnings.push(msg.text() + where);
  });
  page.on('pageerror', (err) => pageErrors.push(err.stack || err.message || String(err)));
  page.on('request', (req) => { if (!isLocal(req.url())) externalRequests.push(req.url()); });

  await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
  let ready = true;
  try {
    await page.waitForFunction(() => window.weaklinkReady === true, null, { timeout: READY_TIMEOUT_MS });
  } catch {
    ready = false;
    fail(`window.weaklinkReady did not become true within ${READY_TIMEOUT_MS / 1000} s`);
  }
  // Let the last chart paint before measuring.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

  const reportErrors = await page.evaluate(() => (Array.isArray(window.weaklinkErrors) ? window.weaklinkErrors.slice() : ['window.weaklinkErrors missing']));
  for (const e of reportErrors) fail(`report error: ${e}`);

  // (c) charts and body figure
  const state = await page.evaluate(() => {
    const visible = (el) => {
      const style = getComputedStyle(el);
      return style.visibility !== 'hidden' && style.display !== 'none' && Number(style.opacity) !== 0 && Number(el.getAttribute('opacity') ?? 1) !== 0;
    };
    const sized = (el) => { const b = el.getBBox(); return b.width > 0 || b.height > 0; };
    const views = [...document.querySelectorAll('.vega-embed')].map((el, i) => {
      const name = el.getAttribute('data-chart') || `view ${i + 1}`;
      const svgEl = el.querySelector('svg');
      if (!svgEl) return { name, svg: false, width: 0, height: 0, marks: 0 };
      const box = svgEl.getBoundingClientRect();
      // Data marks only (vega gives axes and legends other roles): lines, bars, areas, rules.
      let marks = 0;
      for (const g of svgEl.querySelectorAll('g.role-mark.mark-line, g.role-mark.mark-rect, g.role-mark.mark-area, g.role-mark.mark-rule')) {
        for (const node of g.children) {
          if (node.tagName === 'path' && !(node.getAttribute('d') || '').trim()) continue;
          if (['path', 'line', 'rect'].includes(node.tagName) && visible(node) && sized(node)) marks += 1;
        }
      }
      return { name, svg: true, width: box.width, height: box.height, marks };
    });
    const figure = document.querySelector('svg#body-figure');
    const regions = figure ? [...figure.querySelectorAll('[data-region]')] : [];
    const colouredShapes = (root) => [...root.querySelectorAll('[data-region][data-value]')].filter((el) => {
      const fill = el.getAttribute('fill') || getComputedStyle(el).fill;
      return fill && fill !== 'none' && sized(el);
    }).length;
    const coloured = {};
    if (figure) {
      for (const button of document.querySelectorAll('.toggle button')) {
        button.click();
        coloured[button.textContent.trim()] = colouredShapes(figure);
      }
      // Back to the default view for the screenshot.
      [...document.querySelectorAll('.toggle button')].find((b) => b.textContent.trim() === 'Client')?.click();
    }
    const figureBox = figure ? figure.getBoundingClientRect() : { width: 0, height: 0 };
    return {
      views,
      figure: !!figure,
      figureSize: [figureBox.width, figureBox.height],
      regionShapes: regions.length,
      coloured,
    };
  });

  const { views } = state;
  if (views.length < expectedViews) fail(`expected at least ${expectedViews} charts (one per activity + peak bars + ranking), found ${views.length}`);
  for (const v of views) {
    if (!v.svg) fail(`chart ${v.name}: no SVG rendered`);
    else if (!(v.width > 0 && v.height > 0)) fail(`chart ${v.name}: empty bounding box ${v.width}x${v.height}`);
    else if (v.marks < MIN_MARKS_PER_VIEW) fail(`chart ${v.name}: only ${v.marks} drawn marks (need ${MIN_MARKS_PER_VIEW})`);
  }
  if (!state.figure) fail('body figure svg#body-figure not found');
  else {
    if (!(state.figureSize[0] > 0 && state.figureSize[1] > 0)) fail('body figure has an empty bounding box');
    if (state.regionShapes !== 28) fail(`body figure has ${state.regionShapes} region shapes, expected 28 (14 regions x 2 sides)`);
    const modes = Object.keys(state.coloured);
    if (!modes.length) fail('body figure has no baseline/client/change buttons');
    for (const m of modes) {
      if (state.coloured[m] !== demandKeys.size) {
        fail(`body figure (${m}): ${state.coloured[m]} coloured regions, expected ${demandKeys.size} (muscle_demand entries)`);
      }
    }
  }

  // (d) screenshot
  await page.screenshot({ path: screenshotPath, fullPage: true });
  const png = fs.readFileSync(screenshotPath);
  const isPng = png.length > 24 && png.toString('latin1', 1, 4) === 'PNG';
  const [width, height] = isPng ? [png.readUInt32BE(16), png.readUInt32BE(20)] : [0, 0];
  if (!isPng) fail(`${screenshotPath} is not a PNG`);
  if (png.length < MIN_SCREENSHOT_BYTES) fail(`screenshot is only ${png.length} bytes (expected > ${MIN_SCREENSHOT_BYTES})`);
  if (isPng && (width < 600 || height < 900)) fail(`screenshot is only ${width}x${height} pixels`);

  summary = {
    ready,
    views: views.length,
    marks: views.reduce((s, v) => s + v.marks, 0),
    regions: state.coloured.Client ?? Object.values(state.coloured)[0] ?? 0,
    screenshot: `${width}x${height}, ${Math.round(png.length / 1024)} kB`,
  };
} catch (err) {
  fail(`browser: ${err.message}`);
} finally {
  if (browser) await browser.close();
}

// (e) verdict
for (const e of consoleErrors) fail(`console error: ${e}`);
for (const e of pageErrors) fail(`page error: ${e}`);
for (const u of externalRequests) fail(`external request (the report must work offline): ${u}`);
for (const w of consoleWarnings) console.error(`report_test: note: console warning: ${w}`);

if (failures.length) {
  console.error(`report_test: FAILED (${failures.length} problem${failures.length > 1 ? 's' : ''}) for ${htmlPath}`);
  for (const f of failures) console.error(`  - ${f}`);
  process.exit(1);
}
console.log(`report_test: OK: schema valid; ${summary.views} charts with ${summary.marks} marks; ` +
  `${summary.regions} body regions coloured; ${activities.length} activities, ${weakLinks.length} weak links; ` +
  `screenshot ${summary.screenshot}; ${consoleWarnings.length} console warnings`);
