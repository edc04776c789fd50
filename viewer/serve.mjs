// Serves dist/ on 127.0.0.1 with the page's Content-Security-Policy as a header too (a worker
// script takes its policy from its own response, not from the page's <meta>).
// Usage: node viewer/serve.mjs [--dir dist] [--port 8080]; --port 0 picks a free port.
import { createServer } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { join, normalize, extname, resolve, sep } from 'node:path';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
};
const root = resolve(arg('dir', 'dist'));
const port = Number(arg('port', '8080'));
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
};

let csp;
try {
  const index = readFileSync(join(root, 'index.html'), 'utf8');
  csp = index.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1];
} catch (e) {
  console.error(`serve.mjs: ${join(root, 'index.html')} not found: build the viewer first (make viewer)`);
  process.exit(1);
}
if (!csp) { console.error('serve.mjs: index.html has no Content-Security-Policy'); process.exit(1); }

// The page must not be framed (clickjacking): `frame-ancestors` only works as a header, never in
// a <meta> CSP, so it is added here.
const headerCsp = `${csp}; frame-ancestors 'none'`;

// DNS rebinding: a foreign name that resolves to 127.0.0.1 must not reach the viewer, so only
// requests for the address we listen on are served.
const allowedHost = (host) => {
  const bound = server.address()?.port;
  return [`127.0.0.1:${bound}`, `localhost:${bound}`].includes(String(host ?? '').toLowerCase());
};

const server = createServer((req, res) => {
  try {
    if (!allowedHost(req.headers.host)) {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('forbidden: unknown Host\n');
      return;
    }
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      // `GET /%` and other malformed URLs: refused, never fatal.
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('bad request\n');
      return;
    }
    let file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (path.includes('\0') || (file !== root && !file.startsWith(root + sep))) { res.writeHead(403).end(); return; }
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const body = readFileSync(file);
      res.writeHead(200, {
        'Content-Type': types[extname(file)] ?? 'application/octet-stream',
        'Content-Security-Policy': headerCsp,
        'X-Frame-Options': 'DENY',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-cache',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    }
  } catch (e) {
    // Whatever a request does, the server stays up.
    if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
    res.end('error\n');
    console.error(`serve.mjs: ${req.method} ${JSON.stringify(req.url)}: ${e.message}`);
  }
});
server.on('error', (e) => {
  console.error(`serve.mjs: cannot serve on 127.0.0.1:${port}: ${e.message}${e.code === 'EADDRINUSE' ? ' (another server is there: stop it, or pass --port)' : ''}`);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  console.log(`cpguard viewer: http://127.0.0.1:${server.address().port}/ (serving ${root}; Ctrl-C stops)`);
});
