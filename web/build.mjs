// Builds dist/report_template.html: report/template.html with the Vega libraries, report.css and
// report.js inlined, so the report opens offline from file:// with no requests at all.
// Usage: node build.mjs   (after npm ci). Output is byte-for-byte deterministic.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const PLACEHOLDER = '@@WEAKLINK_REPORT_JSON@@';

// Browser builds: UMD bundles that define the globals vega, vegaLite and vegaEmbed when loaded as
// classic scripts in this order.
const LIBRARIES = {
  'vega': 'build/vega.min.js',
  'vega-lite': 'build/vega-lite.min.js',
  'vega-embed': 'build/vega-embed.min.js',
};

function die(message) {
  process.stderr.write(`build.mjs: ${message}\n`);
  process.exit(1);
}

function read(rel) {
  const file = path.join(root, rel);
  if (!fs.existsSync(file)) {
    if (rel.startsWith('node_modules')) die(`${rel} not found: run "npm ci" in the web directory first`);
    die(`${rel} not found`);
  }
  return fs.readFileSync(file, 'utf8');
}

function library(name) {
  if (!(name in LIBRARIES)) die(`unknown library "${name}" in template`);
  const pkg = JSON.parse(read(`node_modules/${name}/package.json`));
  const code = read(`node_modules/${name}/${LIBRARIES[name]}`);
  return { label: `${name} ${pkg.version}`, code };
}

// Inside <script>, "</script" would end the element early; "\/" is a no-op escape in the
// strings, regexes and comments where such text can occur in JS. "<!--" could switch the HTML
// parser into a state where the real </script> is not seen, and has no safe generic escape.
function scriptBody(code, label) {
  let body = code.replace(/\/\/# sourceMappingURL=\S*\s*$/, '').replace(/<\/(script)/gi, '<\\/$1');
  if (body.includes('<!--')) die(`${label} contains "<!--", which cannot be inlined safely`);
  if (body.includes(PLACEHOLDER)) die(`${label} contains the report placeholder`);
  return body.trimEnd();
}

function styleBody(css, label) {
  if (/<\/style/i.test(css)) die(`${label} contains "</style"`);
  if (css.includes(PLACEHOLDER)) die(`${label} contains the report placeholder`);
  return css.trimEnd();
}

const versions = [];
let html = read('report/template.html');
html = html.replace(/<!-- build:(style|script) (\S+) -->/g, (_, kind, ref) => {
  if (kind === 'style') return `<style>\n${styleBody(read(ref), ref)}\n</style>`;
  if (ref.endsWith('.js')) return `<script>\n${scriptBody(read(ref), ref)}\n</script>`;
  const lib = library(ref);
  versions.push(lib.label);
  return `<script>/* ${lib.label} */\n${scriptBody(lib.code, lib.label)}\n</script>`;
});

if (html.includes('<!-- build:')) die('template has a build marker that was not replaced');
const count = html.split(PLACEHOLDER).length - 1;
if (count !== 1) die(`the placeholder ${PLACEHOLDER} occurs ${count} times in the output (must be exactly once)`);
const tag = `<script type="application/json" id="weaklink-report">${PLACEHOLDER}</script>`;
if (!html.includes(tag)) die(`the output lacks the exact tag ${tag}`);

const out = path.join(root, 'dist', 'report_template.html');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, html);
console.log(`wrote dist/report_template.html (${Buffer.byteLength(html)} bytes; ${versions.join(', ')})`);
