// viewer/serve.mjs under hostile requests (issue 10): a malformed URL (`GET /%`, which any web
// page can send with an <img> tag) must not stop it, a foreign Host header (DNS rebinding) is
// refused, and the page may not be framed. Run: node --test tests/serve/serve.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'node:http';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let dir, server, port;

const get = (path, host = `127.0.0.1:${port}`) => new Promise((resolve, reject) => {
  const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
    let body = '';
    res.on('data', (c) => { body += c; });
    res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
  });
  req.on('error', reject);
  req.end();
});

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cpguard-serve-'));
  writeFileSync(join(dir, 'index.html'), `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; connect-src 'none'"><p>viewer</p>`);
  server = spawn(process.execPath, [join(root, 'viewer/serve.mjs'), '--dir', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  port = await new Promise((resolve, reject) => {
    server.stdout.on('data', (d) => { const m = /127\.0\.0\.1:(\d+)/.exec(String(d)); if (m) resolve(Number(m[1])); });
    server.on('exit', (code) => reject(new Error(`serve.mjs exited with ${code}`)));
  });
});

after(() => { server.kill(); rmSync(dir, { recursive: true, force: true }); });

test('a malformed URL is a 400 and the server stays up', async () => {
  for (const path of ['/%', '/%E0%A4%A', '/%00', '/..%2f..%2fetc%2fpasswd']) {
    const res = await get(path);
    assert.ok([400, 403, 404].includes(res.status), `${path}: ${res.status}`);
  }
  assert.equal((await get('/%')).status, 400);
  assert.equal(server.exitCode, null, 'serve.mjs exited');
  const page = await get('/');
  assert.equal(page.status, 200);
  assert.match(page.body, /viewer/);
});

test('foreign Host headers are refused (DNS rebinding)', async () => {
  for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1.evil.example:${port}`, '127.0.0.1', 'LOCALHOST.evil']) {
    const res = await get('/', host);
    assert.equal(res.status, 403, `Host ${JSON.stringify(host)}`);
    assert.doesNotMatch(res.body, /viewer/);
  }
  assert.equal((await get('/', `localhost:${port}`)).status, 200);
  assert.equal((await get('/', `127.0.0.1:${port}`)).status, 200);
});

test('the page may not be framed', async () => {
  const res = await get('/');
  assert.equal(res.headers['content-security-policy'], "default-src 'self'; connect-src 'none'; frame-ancestors 'none'");
  assert.equal(res.headers['x-frame-options'], 'DENY');
});
