# cpguard — the two commands a fresh machine needs are `make serve` and `make test`.
# Every install step is idempotent and skipped when already satisfied (CI starts from a clean clone).

SHELL := /bin/bash
CARGO ?= cargo
POLICIES := unsafe-sysctls webhook-guard
WASM_TARGET := wasm32-wasip1
POLICY_OUT := target/$(WASM_TARGET)/policy

.PHONY: all deps policies serve test lint bench bench-policies bench-metrics bench-cluster clean

all: policies

## deps: toolchain targets the build needs (no `rustup update`: stay on the installed stable).
deps:
	@installed="$$(rustup target list --installed)"; \
	for t in $(WASM_TARGET); do \
	  grep -qx "$$t" <<<"$$installed" || { echo "installing Rust target $$t"; rustup target add "$$t"; }; \
	done

## policies: the shippable Kubewarden artifacts, policies/<name>/annotated-policy.wasm.
policies: deps
	$(CARGO) build --locked --target $(WASM_TARGET) --profile policy -p unsafe-sysctls-policy -p webhook-guard-policy
	$(CARGO) build --locked -p cpguard-annotate
	@for p in $(POLICIES); do \
	  ./target/debug/cpguard-annotate $(POLICY_OUT)/$${p//-/_}_policy.wasm policies/$$p/metadata.yml policies/$$p/annotated-policy.wasm || exit 1; \
	done

## serve: builds everything there is to build and says what it built.
## (The report viewer is not built yet: until it lands, this builds the policies.)
serve: policies
	@echo
	@echo "Built:"
	@for p in $(POLICIES); do ls -l policies/$$p/annotated-policy.wasm | awk '{print "  " $$9 " (" $$5 " bytes)"}'; done
	@echo "Try one in Kubewarden's CLI:"
	@echo "  kwctl run --request-path policies/unsafe-sysctls/test_data/pod_unsafe_sysctl.json policies/unsafe-sysctls/annotated-policy.wasm"
	@echo "The report viewer (http://127.0.0.1:8080) is not part of this build yet."

## test: every test — unit, corpus, the policies in a real wasm host — plus format and lint.
test: policies lint
	$(CARGO) test --locked --workspace

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings

## bench-policies: validate() latency in the wasmtime host and artifact sizes.
bench: bench-policies bench-metrics bench-cluster
bench-policies: policies
	$(CARGO) bench --locked -p cpguard-tests --bench policy_latency

clean:
	$(CARGO) clean
	rm -f policies/*/annotated-policy.wasm

## bench-metrics: parse and analyze throughput against prometheus-parse (needs the corpus).
bench-metrics:
	$(CARGO) bench --locked -p cpguard-cli --bench metrics_throughput

## bench-cluster: cluster export load + analysis throughput, and the YAML library comparison.
bench-cluster:
	$(CARGO) bench --locked -p cpguard-cli --bench cluster_throughput
