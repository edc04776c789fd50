// Trunk's post_build hook (viewer/Trunk.toml): finishes the build for a page without network
// access (CSP connect-src 'none'). fetch() is network, so the wasm cannot be fetched. Each
// `*_bg.wasm` becomes a script (`*_bg.wasm.js`, the bytes as a string literal) loaded by
// script-src 'self', and the page's loaders (boot.js, worker.js) hand the bytes to wasm-bindgen's
// init. Trunk injects no loader of its own (`inject_scripts = false`: its inline module script
// would need 'unsafe-inline'). Works on $TRUNK_STAGING_DIR when Trunk runs it, else on the
// directory given: node viewer/build/finish.mjs dist
import { readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const dist = process.env.TRUNK_STAGING_DIR ?? process.argv[2] ?? 'dist';
const die = (message) => { console.error(`finish.mjs: ${message}`); process.exit(1); };

/// The bytes as a JS string literal, one character per byte (U+0000-U+00FF, UTF-8 on the
/// wire): compresses almost like the raw wasm (gzip 388 KB against 370 KB; base64: 490 KB).
function literal(bytes) {
  const escapes = { 0x22: '\\"', 0x5c: '\\\\', 0x0a: '\\n', 0x0d: '\\r' };
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    out += Array.from(bytes.subarray(i, i + 8192), (b) => escapes[b] ?? String.fromCharCode(b)).join('');
  }
  return `"${out}"`;
}

function wrap(name) {
  const wasm = join(dist, `${name}_bg.wasm`);
  if (!existsSync(wasm)) die(`${wasm} is missing: run trunk build first`);
  const bytes = readFileSync(wasm);
  writeFileSync(`${wasm}.js`,
    `// ${name}_bg.wasm (${bytes.length} bytes) as a script, one character per byte: the page may not fetch.\n` +
    `self.cpguardWasm=Uint8Array.from(${literal(bytes)},c=>c.charCodeAt(0));\n`, 'utf8');
  rmSync(wasm);
  return bytes.length;
}

const page = wrap('cpguard-viewer');

writeFileSync(join(dist, 'boot.js'),
  "import init from './cpguard-viewer.js';\n" +
  "const bytes = self.cpguardWasm;\ndelete self.cpguardWasm;\n" +
  "await init({ module_or_path: bytes });\n");
// The analysis worker runs the page's own wasm (one download, cached) as a module worker.
writeFileSync(join(dist, 'worker.js'),
  "import './cpguard-viewer_bg.wasm.js';\n" +
  "import init, { worker_main } from './cpguard-viewer.js';\n" +
  "await init({ module_or_path: self.cpguardWasm });\ndelete self.cpguardWasm;\nworker_main();\n");

const indexPath = join(dist, 'index.html');
let html = readFileSync(indexPath, 'utf8');
if (/<link rel="(module)?preload"/.test(html)) die('index.html: Trunk injected its loader: set build.inject_scripts = false in viewer/Trunk.toml');
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(html)) die('index.html: an inline script (Trunk\'s loader or autoreload client) would need \'unsafe-inline\': set build.inject_scripts = false and serve.no_autoreload = true');
// Without injection Trunk leaves the rust link in place; the browser has no use for it.
html = html.replace(/\s*<link data-trunk rel="rust"[^>]*>/, '');
html = html.replace('</head>',
  '<script src="./cpguard-viewer_bg.wasm.js" defer></script>\n' +
  '<script type="module" src="./boot.js"></script>\n</head>');
writeFileSync(indexPath, html);
console.log(`finish.mjs: ${dist}/ ready (wasm ${page} bytes, no inline scripts)`);
