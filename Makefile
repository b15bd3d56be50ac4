# Golem — build, run and test. `make test` is what CI runs.
GO ?= go
BIN := bin/golem
# EXAMPLE is where `make run` scaffolds the example project. The leading _ keeps it out of
# `go vet ./...` and `go build ./...` (the go tool skips folders starting with _ or .), so
# `make run` then `make test` works on a fresh clone.
EXAMPLE ?= _example
PORT ?= 6789

.PHONY: all build frontend run scaffold example test test-go test-frontend e2e bench generate check-generated clean

all: build

# build: the golem binary (embeds frontend/dist as it is; `make frontend` builds the bundle first)
build:
	$(GO) build -o $(BIN) ./cmd/golem

# frontend: install npm packages and build the editor bundle into frontend/dist
frontend:
	npm ci --no-audit --no-fund
	npm run build

# run: build everything and open the editor on the example project at http://localhost:$(PORT) (make run PORT=8080)
run: frontend build scaffold
	./$(BIN) start $(EXAMPLE) --port $(PORT)

# scaffold: write the example project to $(EXAMPLE) unless it exists (what make run opens)
scaffold: build
	test -d $(EXAMPLE) || ./$(BIN) init $(EXAMPLE) --example taxi

# example: run the example pipeline headless on its sample data, in a fresh temporary folder
example: build
	dir=$$(mktemp -d) && ./$(BIN) init $$dir/taxi --example taxi && ./$(BIN) run $$dir/taxi data_preparation; \
	status=$$?; rm -rf "$$dir"; exit $$status

# test: every test — generated code fresh, vet, Go tests, frontend unit tests, browser tests
test: check-generated test-go test-frontend e2e

# test-go: vet, the Go tests (printed as go test prints them, then one line saying how many tests
# skipped and why: the real-data ones need ../shared/data beside the checkout), and the race
# detector on the runtime and the editor (runs, workers, dispatch)
test-go:
	$(GO) vet ./...
	$(GO) run ./internal/testreport -go $(GO) -count=1 -timeout 20m ./...
	$(GO) test -race -count=1 -timeout 20m ./runtime/... ./editor/

# test-frontend: the frontend's type check (tsc: the pages against the API types generated from Go)
# and unit tests (vitest)
test-frontend:
	@if [ -f package.json ]; then npm ci --no-audit --no-fund && npm run typecheck && npm test; fi

# e2e: browser tests with playwright-core in Debian's chromium against the built binary
e2e: build
	@if [ -d e2e ]; then npm run build && $(GO) build -o $(BIN) ./cmd/golem && npm run e2e; fi

# bench: Go benchmarks of the frame, runtime, ML, charts and history
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x ./...

# generate: regenerate the yaegi symbol tables and completions of the block API, and the
# editor API's TypeScript types (frontend/src/lib/api.gen.ts) and tables in docs/EDITOR_API.md
generate:
	$(GO) generate ./runtime/symbols ./editor

# check-generated: fail when generated code is stale (block API symbols, completions, the
# editor API's TypeScript types and docs tables drifting from its Go types)
check-generated:
	$(GO) generate ./runtime/symbols ./editor
	git diff --exit-code -- runtime/symbols editor/completions.json docs/REFERENCE.md frontend/src/lib/api.gen.ts docs/EDITOR_API.md || (echo "generated code is stale: run make generate and commit" && exit 1)

# clean: remove build output
clean:
	rm -rf bin frontend/dist/assets frontend/dist/index.html

# bench-compare: train_linear in Golem against pandas + scikit-learn on the real taxi files (needs python3-pandas, python3-sklearn)
.PHONY: bench-compare
bench-compare: build
	$(GO) run ./bench/compare -golem $(BIN)

# bench-gbdt: train_gbdt in Golem against XGBoost and scikit-learn (native categorical zones) on the
# real taxi files (needs python3-xgboost, python3-sklearn); add -models xgboost for XGBoost's one-hot
# fit, which takes tens of minutes on eleven months
.PHONY: bench-gbdt
bench-gbdt: build
	$(GO) run ./bench/compare -golem $(BIN) -pipeline train_gbdt -runs 2 -models xgboost_native,sklearn_native

# bench-tips: train_tip_classifier (logistic, then gbdt) in Golem against pandas + scikit-learn on the real taxi files
.PHONY: bench-tips
bench-tips: build
	$(GO) run ./bench/compare -golem $(BIN) -pipeline train_tip_classifier -model logistic -train 2023-01 -validation 2023-02
	$(GO) run ./bench/compare -golem $(BIN) -pipeline train_tip_classifier -model gbdt -train 2023-01 -validation 2023-02
