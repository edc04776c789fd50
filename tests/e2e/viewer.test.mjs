// End to end: the built viewer (dist/, `make viewer`) served on 127.0.0.1 and driven by
// playwright-core in Debian's Chromium, compared with the release CLI on the same inputs.
// Saves full-page screenshots and timings.json in tests/e2e/artifacts/. Run: make test-e2e.
// Real dumps come from ../shared/corpus (or $CPGUARD_CORPUS); without it those tests say
// they skipped.
import { createRequire } from 'node:module';
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, existsSync, mkdtempSync, utimesSync, copyFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { gzipSync, brotliCompressSync, constants as zlib } from 'node:zlib';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(root, 'viewer/package.json'));
const { chromium } = require('playwright-core');
const corpus = process.env.CPGUARD_CORPUS ?? join(root, '../shared/corpus');
const artifacts = join(root, 'tests/e2e/artifacts');
const cli = join(root, 'target/release/cpguard');
/// How many checks the registry has, as the CLI lists them.
const CHECKS = JSON.parse(execFileSync(cli, ['checks', '--format', 'json'], { encoding: 'utf8' })).length;
const tmp = mkdtempSync(join(tmpdir(), 'cpguard-e2e-'));
mkdirSync(artifacts, { recursive: true });
for (const need of [join(root, 'dist/index.html'), cli]) {
  if (!existsSync(need)) { console.error(`${need} is missing: run make test-e2e (it builds both)`); process.exit(2); }
}

const TAKEN = '2026-11-27T12:00:00Z';
const LATER = '2026-11-27T12:10:00Z';
const timings = {};

/// The CLI's stdout and wall time; cluster input is copied to a file named `pasted`
/// (what the viewer calls pasted text), so the two JSON reports can be compared byte for byte.
function runCli(args, { cluster } = {}) {
  const cwd = mkdtempSync(join(tmp, 'cli-'));
  if (cluster) writeFileSync(join(cwd, 'pasted'), cluster);
  const t0 = performance.now();
  let stdout;
  try {
    stdout = execFileSync(cli, ['analyze', ...args, ...(cluster ? ['--cluster', 'pasted'] : [])], { cwd, maxBuffer: 1 << 28, encoding: 'utf8' });
  } catch (e) {
    if (e.status !== 1) throw e; // 1 = findings at --fail-on
    stdout = e.stdout;
  }
  return { stdout, ms: performance.now() - t0 };
}

// --- server and browser ----------------------------------------------------------------
const server = spawn(process.execPath, [join(root, 'viewer/serve.mjs'), '--dir', join(root, 'dist'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const origin = await new Promise((ok, fail) => {
  server.stdout.on('data', (d) => { const m = String(d).match(/http:\/\/127\.0\.0\.1:\d+/); if (m) ok(m[0]); });
  server.on('exit', (code) => fail(new Error(`serve.mjs exited with ${code}`)));
});
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});

/// A fresh page that records every request, console error and CSP violation.
async function open(viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const page = await context.newPage();
  page.seen = { requests: [], errors: [] };
  page.on('request', (r) => page.seen.requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') page.seen.errors.push(m.text()); });
  page.on('pageerror', (e) => page.seen.errors.push(e.message));
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') page.seen.errors.push(`worker: ${m.text()}`); }));
  return page;
}

async function analyze(page) {
  const t0 = Date.now();
  await page.click('#analyze');
  await page.waitForSelector('#progress, #summary, #error', { timeout: 10_000 });
  await page.waitForFunction(() => !document.querySelector('#progress'), null, { timeout: 180_000 });
  const error = await page.$('#error');
  if (error) throw new Error(`the page refused: ${await error.textContent()}`);
  await page.waitForSelector('#summary');
  return Date.now() - t0;
}

/// The page's own account: "analysed in X (Y in the worker)" (click to result, and analyze itself).
async function pageTimes(page) {
  const facts = await page.textContent('#facts');
  const m = facts.match(/analysed in ([0-9.]+ m?s) \(([0-9.]+ m?s) in the worker\)/);
  assert.ok(m, facts);
  return { pageSays: m[1], workerSays: m[2] };
}

async function counts(page) {
  const n = async (s) => Number(await page.textContent(`#count-${s} strong`));
  return { critical: await n('critical'), warning: await n('warning'), info: await n('info') };
}

function cliCounts(report) {
  const c = { critical: 0, warning: 0, info: 0 };
  for (const f of report.findings) c[f.severity] += 1;
  return c;
}

async function download(page, selector) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return readFileSync(await file.path(), 'utf8');
}

function noNetwork(page) {
  const outside = page.seen.requests.filter((u) => !u.startsWith(origin + '/') && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(outside, [], 'requests outside the page\'s own origin');
  assert.deepEqual(page.seen.errors, [], `console errors (CSP violations among them): ${page.seen.errors.join('\n')}`);
}

// --- tests -------------------------------------------------------------------------------
const results = [];
async function test(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push([name, 'ok']);
    console.log(`test ${name} ... ok (${Date.now() - t0} ms)`);
  } catch (e) {
    results.push([name, 'FAILED']);
    console.log(`test ${name} ... FAILED\n${e.stack}`);
  }
}

await test('first render is fast, and the page cannot reach the network', async () => {
  const page = await open();
  const t0 = Date.now();
  await page.goto(origin + '/');
  await page.waitForSelector('#analyze');
  timings.firstRenderMs = Date.now() - t0;
  // A sanity bound, not a benchmark: 440–613 ms with the 374 KB wasm, 830–1140 ms with today's
  // 457 KB one on a loaded 2-core machine; the bound leaves CI's noise room.
  assert.ok(timings.firstRenderMs < 1500, `first render took ${timings.firstRenderMs} ms`);
  assert.match(await page.textContent('#privacy'), /never leaves the page/);
  // connect-src 'none': even the page's own origin cannot be fetched.
  const fetched = await page.evaluate(() => fetch('./index.html').then(() => 'fetched', () => 'blocked'));
  assert.equal(fetched, 'blocked');
  // That refusal is the one console error expected here.
  const refused = page.seen.errors.filter((e) => e.includes("connect-src 'none'") || e.includes('Fetch API cannot load'));
  assert.ok(refused.length > 0, page.seen.errors.join('\n'));
  page.seen.errors = page.seen.errors.filter((e) => !refused.includes(e));
  noNetwork(page);
  await page.screenshot({ path: join(artifacts, 'empty.png'), fullPage: true });
  await page.context().close();
});

await test('"Try a sample" analyses the samples exactly as the CLI does', async () => {
  const page = await open();
  await page.goto(origin + '/');
  await page.click('#sample');
  await page.waitForSelector('#summary', { timeout: 30_000 });
  const samples = join(root, 'shared/samples');
  const { stdout } = runCli(['--metrics', join(samples, 'apiserver.metrics'), '--taken-at', TAKEN,
    '--metrics-later', join(samples, 'apiserver-later.metrics'), '--later-taken-at', LATER, '--format', 'json'],
    { cluster: readFileSync(join(samples, 'cluster.yaml'), 'utf8') });
  const expected = JSON.parse(stdout);
  assert.deepEqual(await counts(page), cliCounts(expected));
  assert.equal(await page.locator('#findings-table tbody tr').count(), expected.findings.length);
  assert.match(await page.textContent('#facts'), /in the 10 min between the dumps/);
  assert.equal(await download(page, '#export-json') + '\n', stdout);
  // Details of the first finding.
  await page.click('#findings-table tbody tr >> nth=0');
  assert.equal(await page.textContent('#details-message'), expected.findings[0].message);
  noNetwork(page);
  await page.screenshot({ path: join(artifacts, 'sample.png'), fullPage: true });
  await page.context().close();
});

const risky = readFileSync(join(root, 'tests/e2e/fixtures/risky-cluster.yaml'), 'utf8');
const realDump = join(corpus, 'metrics/nri-kubernetes_1_34_apiserver.metrics');
if (!existsSync(realDump)) {
  console.log(`skipped: the real-dump tests (no ${realDump}; set CPGUARD_CORPUS)`);
} else {
  await test('a pasted real 3.7 MB dump and a risky cluster: findings, numbers and exports match the CLI', async () => {
    const page = await open();
    await page.goto(origin + '/');
    const text = readFileSync(realDump, 'utf8');
    // A paste: the text area's value changes, then an input event (page.fill types it, too slow for 3.7 MB).
    await page.evaluate((t) => {
      const area = document.querySelector('#metrics');
      area.value = t;
      area.dispatchEvent(new Event('input', { bubbles: true }));
    }, text);
    await page.waitForSelector('div#metrics.file-card');
    await page.fill('#metrics-taken-at', TAKEN);
    await page.fill('#cluster', risky);
    timings.realDump = { bytes: Buffer.byteLength(text), viewerMs: await analyze(page) };
    const json = runCli(['--metrics', realDump, '--taken-at', TAKEN, '--format', 'json'], { cluster: risky });
    const md = runCli(['--metrics', realDump, '--taken-at', TAKEN, '--format', 'markdown'], { cluster: risky });
    timings.realDump.cliMs = Math.round(json.ms);
    Object.assign(timings.realDump, await pageTimes(page));
    const expected = JSON.parse(json.stdout);
    assert.deepEqual(await counts(page), cliCounts(expected));
    const rows = await page.locator('#findings-table tbody tr').allTextContents();
    assert.ok(rows.some((r) => r.includes('SYS001') && r.includes('Pod/jobs/queue-worker')), rows.join('\n'));
    assert.ok(rows.some((r) => r.includes('WH001') && r.includes('ValidatingWebhookConfiguration/everything-guard')), rows.join('\n'));
    const facts = await page.textContent('#facts');
    assert.ok(facts.includes(`Kubernetes ${expected.metrics.kubernetes_version}`), facts);
    assert.ok(facts.includes(`${expected.metrics.samples.toLocaleString('en-US')} samples`), facts);
    assert.match(await page.textContent('#chart-skew figcaption'), /control plane v1\.34/);
    assert.match(await page.textContent('#chart-skew'), /v1\.30\.9-eks-1: 1 nodes, 4 minor versions behind, unsupported/);
    assert.equal(await download(page, '#export-json') + '\n', json.stdout);
    assert.equal(await download(page, '#export-markdown') + '\n', md.stdout);
    await page.click('#copy-json');
    await page.waitForFunction(() => document.querySelector('#notice').textContent.includes('Copied the JSON'));
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()) + '\n', json.stdout);
    noNetwork(page);
    await page.screenshot({ path: join(artifacts, 'real-dump.png'), fullPage: true });
    await page.context().close();
  });

  await test('a 50 MB dump is analysed off the main thread, with progress and cancel', async () => {
    // The real dump once as is, then with every family renamed, up to 50 MB.
    const base = readFileSync(realDump, 'utf8');
    const parts = [base];
    for (let i = 1; parts.reduce((n, p) => n + p.length, 0) < 50e6; i++) {
      parts.push(base.replace(/^(# (?:HELP|TYPE) )?([a-zA-Z_:])/gm, `$1r${i}_$2`));
    }
    const big = join(tmp, 'big.metrics');
    writeFileSync(big, parts.join(''));
    const page = await open();
    await page.goto(origin + '/');
    await page.setInputFiles('#metrics-file', big);
    await page.waitForFunction(() => document.querySelector('#notice').textContent.startsWith('Read big.metrics'), null, { timeout: 30_000 });
    await page.evaluate(() => {
      window.longTasks = [];
      new PerformanceObserver((l) => window.longTasks.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    });
    const t0 = Date.now();
    await page.click('#analyze');
    await page.waitForSelector('#progress');
    // While the worker parses, the page answers: time a round trip through its main thread.
    let slowest = 0;
    const stages = new Set();
    for (;;) {
      const s = Date.now();
      const stage = await page.evaluate(() => document.querySelector('#progress .stage')?.textContent ?? null);
      slowest = Math.max(slowest, Date.now() - s);
      if (stage === null) break;
      stages.add(stage.replace(/… [0-9.]+ s$/, ''));
      await page.waitForTimeout(20);
    }
    assert.ok(stages.has('Parsing the metrics dump'), [...stages].join(', '));
    await page.waitForSelector('#summary');
    const viewerMs = Date.now() - t0;
    const longTasks = await page.evaluate(() => window.longTasks);
    const { ms } = runCli(['--metrics', big, '--format', 'json']);
    timings.bigDump = { bytes: Buffer.byteLength(parts.join('')), viewerMs, cliMs: Math.round(ms),
      slowestMainThreadRoundTripMs: slowest, longestMainThreadTaskMs: Math.round(Math.max(0, ...longTasks)) };
    Object.assign(timings.bigDump, await pageTimes(page));
    assert.ok(slowest < 1000, `the page froze for ${slowest} ms`);
    assert.match(await page.textContent('#facts'), /samples/);
    // Cancel: a second run stops at once and the previous report stays.
    await page.click('#analyze');
    await page.waitForSelector('#progress');
    await page.click('#cancel');
    await page.waitForFunction(() => !document.querySelector('#progress'));
    assert.equal(await page.textContent('#notice'), 'Analysis cancelled');
    assert.ok(await page.$('#summary'));
    noNetwork(page);
    await page.screenshot({ path: join(artifacts, 'big-dump.png'), fullPage: true });
    await page.context().close();
  });
}

await test('file picker, diagnostics with line numbers, jump to the line, drag and drop', async () => {
  const file = join(tmp, 'broken.metrics');
  writeFileSync(file, '# TYPE up gauge\nup 1\nup{job="a" 2\nup{job="b"} two\nup{job="c"} 3\n');
  const when = Date.parse(TAKEN) / 1000;
  utimesSync(file, when, when);
  const page = await open();
  await page.goto(origin + '/');
  await page.setInputFiles('#metrics-file', file);
  await page.waitForFunction(() => document.querySelector('#notice').textContent.startsWith('Read broken.metrics'));
  assert.equal(await page.inputValue('#metrics-taken-at'), TAKEN);
  await analyze(page);
  const items = await page.locator('#diagnostics li').allTextContents();
  assert.equal(items.length, 2, items.join('\n'));
  assert.match(items[0], /metrics line 3: /);
  assert.match(items[1], /metrics line 4: /);
  assert.ok(items[1].includes('up{job="b"} two'));
  await page.click('#diagnostics li >> nth=1 >> button');
  const selection = await page.evaluate(() => { const t = document.querySelector('#metrics'); return [t.selectionStart, t.selectionEnd, document.activeElement.id]; });
  const start = '# TYPE up gauge\nup 1\nup{job="a" 2\n'.length;
  assert.deepEqual(selection, [start, start + 'up{job="b"} two'.length, 'metrics']);
  // Drag and drop: a file dropped on the Cluster YAML box is read into it.
  await page.evaluate((yaml) => {
    const data = new DataTransfer();
    data.items.add(new File([yaml], 'dropped.yaml', { type: 'application/yaml' }));
    const box = document.querySelector('#cluster-panel');
    box.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    box.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, risky);
  await page.waitForFunction(() => document.querySelector('#notice').textContent.startsWith('Read dropped.yaml'));
  assert.equal(await page.inputValue('#cluster'), risky);
  noNetwork(page);
  await page.screenshot({ path: join(artifacts, 'diagnostics.png'), fullPage: true });
  await page.context().close();
});

await test('a worker that cannot load is reported, and the next Analyze starts a new one', async () => {
  const page = await open();
  let blocked = true;
  await page.route('**/worker.js', (route) => (blocked ? route.fulfill({ status: 404, body: 'gone' }) : route.continue()));
  await page.goto(origin + '/');
  await page.click('#sample');
  await page.waitForSelector('#error', { timeout: 10_000 });
  assert.match(await page.textContent('#error'), /^Could not analyse the inputs\. The analysis worker stopped: /);
  blocked = false;
  await analyze(page);
  assert.ok(await page.$('#findings-table'));
  page.seen.errors = page.seen.errors.filter((e) => !e.includes('404'));
  noNetwork(page);
  await page.context().close();
});

await test('an unusable input is never a green all-clear: the reason, what to paste instead, what was checked', async () => {
  // An nginx 502 page where the dump should be, with one long line (the numbering must stay beside it).
  const file = join(tmp, 'apiserver.metrics');
  const long = `<p>${'The upstream API server did not answer in time; try again later. '.repeat(6)}</p>`;
  const html = readFileSync(join(root, 'tests/fixtures/unusable/bad-gateway.metrics'), 'utf8').replace('<hr>', `${long}\r\n<hr>`);
  writeFileSync(file, html);
  const page = await open();
  await page.goto(origin + '/');
  await page.fill('#metrics', html);
  await page.fill('#metrics-taken-at', TAKEN);
  await analyze(page);
  const banner = page.locator('#unusable');
  assert.equal(await banner.getAttribute('role'), 'alert');
  assert.equal(await page.textContent('#unusable h3'), 'Nothing could be analysed');
  const said = await banner.textContent();
  assert.ok(said.includes('Metrics: looks like HTML, not Prometheus text (line 1: "502 Bad Gateway")'), said);
  assert.ok(said.includes('kubectl get --raw /metrics > apiserver.metrics'), said);
  // No "No findings" line at all, green or not, and no findings table.
  assert.equal(await page.$('#no-findings'), null);
  assert.equal(await page.$('#findings-table'), null);
  assert.match(await page.textContent('#facts'), new RegExp(`\\b0 of ${CHECKS} checks could run`));
  // "What was checked": closed until asked, then every check with why it did not run.
  assert.equal(await page.isVisible('#coverage-table'), false);
  await page.click('#coverage summary');
  assert.equal(await page.textContent('#coverage summary'), `What was checked: 0 of ${CHECKS} checks could run`);
  const rows = await page.locator('#coverage-table tbody tr').allTextContents();
  assert.equal(rows.length, CHECKS);
  assert.ok(rows.some((r) => r.startsWith('API001') && r.includes('not-applicable') && r.includes('the metrics input is unusable: looks like HTML')), rows.join('\n'));
  // The numbers of "Input problems" sit beside the first line of their item, long ones too
  // (a narrow window wraps them).
  await page.setViewportSize({ width: 420, height: 900 });
  const layout = await page.evaluate(() => [...document.querySelectorAll('#diagnostics li')].map((li) => {
    const item = li.firstElementChild;
    const range = document.createRange();
    range.selectNodeContents(item);
    const first = range.getClientRects()[0];
    return { liTop: li.getBoundingClientRect().top, firstLineTop: first.top, lines: range.getClientRects().length,
      indent: item.getBoundingClientRect().left - li.getBoundingClientRect().left };
  }));
  assert.equal(layout.length, 8);
  assert.ok(layout.some((l) => l.lines > 1), JSON.stringify(layout));
  for (const l of layout) {
    assert.ok(Math.abs(l.firstLineTop - l.liTop) < 4, JSON.stringify(l));
    assert.ok(l.indent >= 20, JSON.stringify(l));
  }
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the window`);
  await page.screenshot({ path: join(artifacts, 'unusable-narrow.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  // The export is the CLI's report; the CLI itself refuses the input (exit 2) unless told to go on.
  const { stdout } = runCli(['--metrics', file, '--taken-at', TAKEN, '--format', 'json', '--allow-unusable']);
  assert.equal(await download(page, '#export-json') + '\n', stdout);
  assert.deepEqual(JSON.parse(stdout).unusable_inputs, [{ input: 'metrics', reason: 'looks like HTML, not Prometheus text (line 1: "502 Bad Gateway")' }]);
  let refused;
  try { execFileSync(cli, ['analyze', '--metrics', file], { encoding: 'utf8', stdio: 'pipe' }); } catch (e) { refused = e; }
  assert.equal(refused?.status, 2);
  assert.equal(refused.stderr, `cpguard: ${file}: looks like HTML, not Prometheus text (line 1: "502 Bad Gateway")\n`);
  await page.screenshot({ path: join(artifacts, 'unusable.png'), fullPage: true });
  // A good dump beside an empty cluster List: the report, with a notice and "N of <all> checks could run".
  await page.fill('#metrics', readFileSync(join(root, 'shared/samples/apiserver.metrics'), 'utf8'));
  await page.fill('#cluster', 'apiVersion: v1\nkind: List\nitems: []\n');
  await analyze(page);
  assert.equal(await page.getAttribute('#unusable', 'class'), 'partial');
  assert.match(await page.textContent('#unusable'), /Cluster YAML: no Kubernetes objects: an empty List/);
  assert.match(await page.textContent('#facts'), new RegExp(`\\b1[0-9] of ${CHECKS} checks could run`));
  assert.ok(await page.$('#findings-table'));
  noNetwork(page);
  await page.screenshot({ path: join(artifacts, 'partial.png'), fullPage: true });
  await page.context().close();
});

await test('hostile inputs (issue 10): each class pasted gives a report or a clear reason, never a secret or live markup, and the page stays responsive', async () => {
  const hostile = (f) => readFileSync(join(root, 'tests/hostile', f), 'utf8');
  // Values planted in tests/hostile/ that could be credentials: none may reach the page or an export.
  const secrets = ['wJalrXUtnFEMI', 'hunter2hunter2', 'c3VwZXJzZWNyZXRwYXNzd29yZDEyMzQ', 'ghp_16C7e42F292c6912E7710c838347Ae178B4a'];
  const page = await open();
  await page.goto(origin + '/');
  const check = async (name) => {
    const text = await page.evaluate(() => document.body.innerText);
    const json = await download(page, '#export-json');
    const md = await download(page, '#export-markdown');
    for (const secret of secrets) {
      assert.ok(!text.includes(secret), `${name}: the page shows ${secret}`);
      assert.ok(!json.includes(secret) && !md.includes(secret), `${name}: an export holds ${secret}`);
    }
    assert.equal(await page.evaluate(() => document.querySelectorAll('img, [onerror], #report script').length), 0, `${name}: live markup`);
    // Inert Markdown: outside code spans, every `<` of the input is escaped (`\<img` renders as text).
    const prose = md.replace(/(`+)[^]*?\1/g, '');
    assert.ok(!/(^|[^\\])<(img|script)/im.test(prose), `${name}: raw HTML in the Markdown`);
    return JSON.parse(json);
  };
  const cases = [
    // [metrics, cluster, what the report must show]
    ['nonfinite.metrics', '', (r) => assert.ok(JSON.stringify(r).includes('"+Inf"'), 'non-finite values read back as "+Inf"')],
    ['injection.metrics', 'injection.yaml', (r) => assert.ok(r.findings.length > 0, 'findings from the injected names')],
    ['untyped-histogram.metrics', '', (r) => assert.equal(r.metrics.requests_by_verb.find((v) => v.verb === 'GET')?.count, 110)],
    ['secret-pasted.txt', 'secret-docs.yaml', () => {}],
    ['', 'json-list-bad-item.json', (r) => assert.ok(r.findings.some((f) => f.check === 'SYS001'), 'the unsafe Pod beside the bad item')],
    ['', 'yaml-list-bad-item.yaml', (r) => assert.ok(r.findings.some((f) => f.check === 'SYS001'), 'the unsafe Pod beside the bad item')],
    ['', 'webhooks-same-name.yaml', (r) => assert.ok(r.cluster.webhooks.length >= 2)],
    ['', 'deep-embedded.yaml', () => {}],
    ['', 'billion-laughs.yaml', () => {}],
  ];
  for (const [metrics, cluster, expect] of cases) {
    await page.fill('#metrics', metrics ? hostile(metrics) : '');
    await page.fill('#metrics-taken-at', metrics ? TAKEN : '');
    await page.fill('#cluster', cluster ? hostile(cluster) : '');
    await analyze(page);
    expect(await check(metrics || cluster));
  }
  // Many bad lines holding control characters and credentials: capped diagnostics, no secret,
  // and the main thread answers while the worker reads them.
  const lines = ['apiserver_request_total{code="200",verb="GET"} 1'];
  for (let i = 0; i < 300_000; i++) lines.push(`bad\u001b[2J line password=hunter2hunter2 <img src=x onerror=alert(${i})>`);
  const big = join(tmp, 'hostile.metrics');
  writeFileSync(big, lines.join('\n') + '\n');
  await page.fill('#cluster', '');
  await page.setInputFiles('#metrics-file', big);
  await page.waitForFunction(() => document.querySelector('#notice').textContent.startsWith('Read hostile.metrics'), null, { timeout: 30_000 });
  await page.click('#analyze');
  let slowest = 0;
  for (;;) {
    const s = Date.now();
    const running = await page.evaluate(() => document.querySelector('#progress') !== null);
    slowest = Math.max(slowest, Date.now() - s);
    if (!running) break;
    await page.waitForTimeout(20);
  }
  await page.waitForSelector('#summary');
  timings.hostile = { lines: lines.length, slowestMainThreadRoundTripMs: slowest };
  assert.ok(slowest < 200, `a main-thread round trip took ${slowest} ms`);
  const items = await page.locator('#diagnostics li').allTextContents();
  assert.ok(items.length <= 1001, `${items.length} diagnostics shown`);
  // The core keeps 1000 and one "and 299000 more"; the page lists the first of them and says how many it left out.
  assert.match(await page.textContent('#diagnostics'), /more/);
  assert.ok(!(await page.textContent('#diagnostics')).includes('hunter2hunter2'));
  await check('300,000 bad lines');
  noNetwork(page);
  await page.context().close();
});

await test('narrow window and keyboard focus', async () => {
  const page = await open({ width: 420, height: 900 });
  await page.goto(origin + '/');
  await page.click('#sample');
  await page.waitForSelector('#summary', { timeout: 30_000 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the window`);
  await page.focus('#analyze');
  await page.keyboard.press('Tab');
  const focus = await page.evaluate(() => { const s = getComputedStyle(document.activeElement); return [document.activeElement.id, s.outlineStyle, s.outlineWidth]; });
  assert.deepEqual(focus, ['sample', 'solid', '3px']);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#summary');
  noNetwork(page);
  await page.screenshot({ path: join(artifacts, 'narrow.png'), fullPage: true });
  await page.context().close();
});

await test('settings are remembered in this browser, inputs are not', async () => {
  const page = await open();
  await page.goto(origin + '/');
  await page.click('#settings summary');
  await page.fill('#setting-errorRatio', '0.05');
  await page.press('#setting-errorRatio', 'Tab');
  await page.fill('#cluster', 'kind: List\nitems: []\n');
  await page.reload();
  await page.click('#settings summary');
  assert.equal(await page.inputValue('#setting-errorRatio'), '0.05');
  assert.equal(await page.inputValue('#cluster'), '');
  const stored = await page.evaluate(() => Object.keys(localStorage));
  assert.deepEqual(stored, ['cpguard.settings']);
  await page.click('#settings-reset');
  assert.equal(await page.inputValue('#setting-errorRatio'), '0.01');
  assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), []);
  noNetwork(page);
  await page.context().close();
});

// The budget was 400 KiB until the coverage, redaction and escaping, PolicyReport reading and the
// ValidatingAdmissionPolicy generator (with serde_yaml_ng's emitter) joined the page: 374 KB became
// 464 KB with gzip. Raised to 480 KiB; shrinking it again is an open task, not a new normal.
// Issue 13 (the EKS description, the support calendar and timeline, eight more checks) took the
// wasm from 491 KB to 514 KB with gzip (the script on the wire 540 KB): 512 KiB and 536 KiB now,
// a few KB above what it measures so a one-line change does not fail CI; a real regression does.
await test('bundle budget: the wasm is at most 512 KiB compressed', async () => {
  // The wasm travels as a script (finish.mjs); run it to get the bytes back.
  const script = readFileSync(join(root, 'dist/cpguard-viewer_bg.wasm.js'), 'utf8');
  const sandbox = { self: {}, Uint8Array };
  runInNewContext(script, sandbox);
  const wasm = Buffer.from(sandbox.self.cpguardWasm);
  assert.equal(wasm.subarray(0, 4).toString('latin1'), '\0asm');
  timings.bundle = {
    wasmBytes: wasm.length,
    wasmGzipBytes: gzipSync(wasm, { level: 9 }).length,
    wasmBrotliBytes: brotliCompressSync(wasm, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length,
    // What crosses the wire: the script that carries the wasm.
    scriptGzipBytes: gzipSync(Buffer.from(script, 'utf8'), { level: 9 }).length,
  };
  assert.ok(timings.bundle.wasmGzipBytes <= 512 * 1024, `${timings.bundle.wasmGzipBytes} bytes gzip`);
  assert.ok(timings.bundle.scriptGzipBytes <= 536 * 1024, `${timings.bundle.scriptGzipBytes} bytes gzip on the wire`);
});

await browser.close();
server.kill();
writeFileSync(join(artifacts, 'timings.json'), JSON.stringify(timings, null, 2) + '\n');
console.log('timings:', JSON.stringify(timings));
const failed = results.filter(([, r]) => r !== 'ok').length;
console.log(`test result: ${failed ? 'FAILED' : 'ok'}. ${results.length - failed} passed; ${failed} failed; (end to end, screenshots in tests/e2e/artifacts/)`);
process.exit(failed ? 1 : 0);
