# cpguard — the two commands a fresh machine needs are `make serve` and `make test`.
# Every install step is idempotent and skipped when already satisfied (CI starts from a clean clone).

SHELL := /bin/bash
CARGO ?= cargo
POLICIES := unsafe-sysctls webhook-guard
WASM_TARGET := wasm32-wasip1
POLICY_OUT := target/$(WASM_TARGET)/policy
TRUNK_VERSION := 0.21.14
# wasm-bindgen-cli must be exactly the wasm-bindgen of Cargo.lock.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)
CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
export PATH := $(CURDIR)/viewer/node_modules/.bin:$(CARGO_BIN):$(PATH)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps tools node-tools browser policies viewer serve test test-browser test-e2e test-serve lint bench bench-policies bench-metrics bench-cluster fuzz fuzz-tools clean install install-files uninstall audit audit-tools

all: policies viewer

## deps: toolchain targets the build needs (no `rustup update`: stay on the installed stable).
deps:
	@installed="$$(rustup target list --installed)"; \
	for t in $(WASM_TARGET) wasm32-unknown-unknown; do \
	  grep -qx "$$t" <<<"$$installed" || { echo "installing Rust target $$t"; rustup target add "$$t"; }; \
	done

## tools: Trunk and wasm-bindgen-cli at the pinned versions (each skipped when already there).
tools: deps node-tools
	@trunk --version 2>/dev/null | grep -qx "trunk $(TRUNK_VERSION)" || { \
	  echo "installing trunk $(TRUNK_VERSION) (about 14 min on 2 cores)"; \
	  $(CARGO) install trunk@$(TRUNK_VERSION) --locked; }
	@wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $(WASM_BINDGEN_VERSION)" || { \
	  echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION)"; \
	  $(CARGO) install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); }

## node-tools: binaryen's wasm-opt and playwright-core, pinned in viewer/package-lock.json.
node-tools: viewer/node_modules/.installed
viewer/node_modules/.installed: viewer/package.json viewer/package-lock.json
	cd viewer && npm ci --no-audit --no-fund
	@touch $@

## browser: Debian's Chromium and ChromeDriver for the browser and end-to-end tests.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  echo "installing chromium and chromium-driver"; \
	  $(SUDO) apt-get update -q && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; }

## viewer: the report viewer, built by Trunk into dist/ (Trunk's post_build hook, finish.mjs,
## makes it fetch-free: see viewer/Trunk.toml).
viewer: tools
	$(CARGO) fetch --locked
	trunk build --release --offline --config viewer/Trunk.toml

## policies: the shippable Kubewarden artifacts, policies/<name>/annotated-policy.wasm.
policies: deps
	$(CARGO) build --locked --target $(WASM_TARGET) --profile policy -p unsafe-sysctls-policy -p webhook-guard-policy
	$(CARGO) build --locked -p cpguard-annotate
	@for p in $(POLICIES); do \
	  ./target/debug/cpguard-annotate -u policies/$$p/README.md $(POLICY_OUT)/$${p//-/_}_policy.wasm policies/$$p/metadata.yml policies/$$p/annotated-policy.wasm || exit 1; \
	done

## serve: builds the policies and the viewer, then serves the viewer on http://127.0.0.1:8080.
serve: policies viewer
	@echo
	@echo "Policies built:"
	@for p in $(POLICIES); do ls -l policies/$$p/annotated-policy.wasm | awk '{print "  " $$9 " (" $$5 " bytes)"}'; done
	@echo "Viewer: open http://127.0.0.1:8080 and choose \"Try a sample\" (Ctrl-C stops the server)."
	node viewer/serve.mjs --dir dist --port 8080

## test: every test — unit, corpus, the policies in a real wasm host, the viewer in headless
## Chromium (components, then end to end) — plus format and lint.
test: policies viewer browser lint
	$(CARGO) test --locked --workspace
	node --test tests/serve/serve.test.mjs
	$(BROWSER_TESTS)
	$(E2E_TESTS)

## test-serve: viewer/serve.mjs under hostile requests (no build needed).
test-serve:
	node --test tests/serve/serve.test.mjs

## fuzz: coverage-guided fuzzing (cargo-fuzz, libFuzzer, nightly) of every parser and entry
## point, FUZZ_SECONDS each (default 60), seeded from tests/hostile/. Findings land in
## fuzz/artifacts/<target>/; add each one to tests/hostile/ so `make test` replays it.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := metrics cluster_yaml cluster_json time render viewer_model
fuzz: fuzz-tools
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$t; cp -n tests/hostile/* fuzz/corpus/$$t/ 2>/dev/null; \
	  echo "== fuzz $$t for $(FUZZ_SECONDS) s"; \
	  (cd fuzz && $(CARGO) +nightly fuzz run $$t corpus/$$t -- -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1) || exit 1; \
	done

## fuzz-tools: the nightly toolchain and cargo-fuzz (each skipped when already there).
fuzz-tools:
	@rustup toolchain list | grep -q '^nightly' || { echo "installing the nightly toolchain"; rustup toolchain install nightly --profile minimal; }
	@cargo fuzz --version >/dev/null 2>&1 || { echo "installing cargo-fuzz"; $(CARGO) +nightly install cargo-fuzz --locked; }

BROWSER_TESTS = CHROMEDRIVER=$$(command -v chromedriver) $(CARGO) test --locked -p cpguard-viewer --target wasm32-unknown-unknown --test browser
E2E_TESTS = $(CARGO) build --locked --release -p cpguard-cli && node tests/e2e/viewer.test.mjs

## test-browser: the viewer's components in headless Chromium (wasm-bindgen-test-runner + chromedriver).
test-browser: tools browser
	$(BROWSER_TESTS)

## test-e2e: the built viewer (dist/) driven by playwright-core in Debian's Chromium, beside the
## release CLI; screenshots and timings.json land in tests/e2e/artifacts/.
test-e2e: viewer browser
	$(E2E_TESTS)

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings
	$(CARGO) clippy --locked -p cpguard-viewer --target wasm32-unknown-unknown --all-targets -- -D warnings

## bench-policies: validate() latency in the wasmtime host and artifact sizes.
bench: bench-policies bench-metrics bench-cluster
bench-policies: policies
	$(CARGO) bench --locked -p cpguard-tests --bench policy_latency

## install: the release CLI as PREFIX/bin/cpguard and PREFIX/bin/kubectl-cpguard (so that
## `kubectl cpguard analyze ...` works), its man page and bash, zsh and fish completions.
## PREFIX defaults to ~/.local; DESTDIR stages the tree elsewhere (packaging).
PREFIX ?= $(HOME)/.local
DESTDIR ?=
CLI_BIN ?= target/release/cpguard
BINDIR = $(DESTDIR)$(PREFIX)/bin
SHAREDIR = $(DESTDIR)$(PREFIX)/share
install:
	$(CARGO) build --locked --release -p cpguard-cli
	@$(MAKE) --no-print-directory install-files PREFIX='$(PREFIX)' DESTDIR='$(DESTDIR)' CLI_BIN='$(CLI_BIN)'
	@case ":$$PATH:" in *":$(PREFIX)/bin:"*) ;; *) echo "note: $(PREFIX)/bin is not on PATH; add it for cpguard and kubectl cpguard";; esac

## install-files: what `install` copies, from an already built CLI_BIN (no build).
install-files:
	install -d '$(BINDIR)' '$(SHAREDIR)/man/man1' '$(SHAREDIR)/bash-completion/completions' \
	  '$(SHAREDIR)/zsh/site-functions' '$(SHAREDIR)/fish/vendor_completions.d'
	install -m 755 '$(CLI_BIN)' '$(BINDIR)/cpguard'
	ln -sf cpguard '$(BINDIR)/kubectl-cpguard'
	'$(BINDIR)/cpguard' man > '$(SHAREDIR)/man/man1/cpguard.1'
	'$(BINDIR)/cpguard' completions bash > '$(SHAREDIR)/bash-completion/completions/cpguard'
	'$(BINDIR)/cpguard' completions zsh > '$(SHAREDIR)/zsh/site-functions/_cpguard'
	'$(BINDIR)/cpguard' completions fish > '$(SHAREDIR)/fish/vendor_completions.d/cpguard.fish'

uninstall:
	rm -f '$(BINDIR)/cpguard' '$(BINDIR)/kubectl-cpguard' '$(SHAREDIR)/man/man1/cpguard.1' \
	  '$(SHAREDIR)/bash-completion/completions/cpguard' '$(SHAREDIR)/zsh/site-functions/_cpguard' \
	  '$(SHAREDIR)/fish/vendor_completions.d/cpguard.fish'

## audit: cargo-deny with deny.toml (licences, bans and duplicates, sources, RustSec advisories).
## The advisory database comes from GitHub: when GitHub is unreachable (and no copy was fetched
## before) the advisories are skipped, loudly, and the offline checks still run.
CARGO_DENY_VERSION := 0.20.2
ADVISORY_DB := https://github.com/rustsec/advisory-db
audit: audit-tools
	@if timeout 20 git ls-remote --exit-code $(ADVISORY_DB) HEAD >/dev/null 2>&1; then \
	  echo "cargo deny check (advisories fetched from $(ADVISORY_DB))"; \
	  $(CARGO) deny --locked check; \
	elif ls -d $(or $(CARGO_HOME),$(HOME)/.cargo)/advisory-dbs/*/ >/dev/null 2>&1; then \
	  echo "audit: $(ADVISORY_DB) unreachable: advisories checked against the copy fetched before (may be stale)"; \
	  $(CARGO) deny --locked check --disable-fetch; \
	else \
	  echo "audit: $(ADVISORY_DB) unreachable and no copy fetched before:"; \
	  echo "audit: SKIPPED the advisories check; running licenses, bans and sources only"; \
	  $(CARGO) deny --locked check bans licenses sources; \
	fi

## audit-tools: cargo-deny at the pinned version (skipped when already there).
audit-tools:
	@$(CARGO) deny --version 2>/dev/null | grep -qx "cargo-deny $(CARGO_DENY_VERSION)" || { \
	  echo "installing cargo-deny $(CARGO_DENY_VERSION)"; \
	  $(CARGO) install cargo-deny@$(CARGO_DENY_VERSION) --locked; }

clean:
	$(CARGO) clean
	rm -rf dist tests/e2e/artifacts
	rm -f policies/*/annotated-policy.wasm

## bench-metrics: parse and analyze throughput against prometheus-parse (needs the corpus).
bench-metrics:
	$(CARGO) bench --locked -p cpguard-cli --bench metrics_throughput

## bench-cluster: cluster export load + analysis throughput, and the YAML library comparison.
bench-cluster:
	$(CARGO) bench --locked -p cpguard-cli --bench cluster_throughput
