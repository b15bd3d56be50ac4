# Golem — build, run and test. `make test` is what CI runs.
GO ?= go
BIN := bin/golem
EXAMPLE ?= example

.PHONY: all build frontend run example test test-go test-frontend e2e bench generate check-generated clean

all: build

# build: the golem binary (embeds frontend/dist as it is; `make frontend` builds the bundle first)
build:
	$(GO) build -o $(BIN) ./cmd/golem

# frontend: install npm packages and build the editor bundle into frontend/dist
frontend:
	npm ci --no-audit --no-fund
	npm run build

# run: build everything and open the editor on the example project at http://localhost:6789
run: frontend build
	test -d $(EXAMPLE) || ./$(BIN) init $(EXAMPLE) --example taxi
	./$(BIN) start $(EXAMPLE)

# example: run the example pipeline headless on its generated sample data
example: build
	rm -rf /tmp/golem-example && ./$(BIN) init /tmp/golem-example --example taxi
	./$(BIN) run /tmp/golem-example data_preparation

# test: every test — generated code fresh, vet, Go tests, frontend unit tests, browser tests
test: check-generated test-go test-frontend e2e

# test-go: vet and run the Go tests
test-go:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 20m ./...

# test-frontend: the frontend unit tests (vitest)
test-frontend:
	@if [ -f package.json ]; then npm ci --no-audit --no-fund && npm test; fi

# e2e: browser tests with playwright-core in Debian's chromium against the built binary
e2e: build
	@if [ -d e2e ]; then npm run build && $(GO) build -o $(BIN) ./cmd/golem && npm run e2e; fi

# bench: Go benchmarks of the frame, runtime, ML, charts and history
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x ./...

# generate: regenerate the yaegi symbol tables of the block API
generate:
	$(GO) generate ./runtime/symbols ./editor

# check-generated: fail when the generated yaegi symbols are stale
check-generated:
	$(GO) generate ./runtime/symbols ./editor
	git diff --exit-code -- runtime/symbols editor/completions.json || (echo "generated code is stale: run make generate and commit" && exit 1)

# clean: remove build output
clean:
	rm -rf bin frontend/dist/assets frontend/dist/index.html

# bench-compare: train_linear in Golem against pandas + scikit-learn on the real taxi files (needs python3-pandas, python3-sklearn)
.PHONY: bench-compare
bench-compare: build
	$(GO) run ./bench/compare -golem $(BIN)
