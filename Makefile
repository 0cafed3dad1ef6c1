# Polar checkouts SDK for Go. `make test` is what CI runs (.ci/run).
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c

GO          ?= go
STATICCHECK := $(GO) tool -modfile=$(CURDIR)/tools/staticcheck/go.mod staticcheck
ERRORLINT   := $(GO) tool -modfile=$(CURDIR)/tools/errorlint/go.mod go-errorlint
OASDIFF     := $(GO) tool -modfile=$(CURDIR)/tools/oasdiff/go.mod oasdiff
BASE        ?= HEAD
FUZZTIME    ?= 30s
BENCHCOUNT  ?= 6

.PHONY: all test generate check-generated lint vet unit contract redislimit footprint demo mock bench fuzz spec-diff clean

all: test

## test: everything CI checks: lint, vet, tests of every module with -race, generated-code drift, dependency footprint
test: lint unit contract redislimit check-generated

## generate: regenerate client/ from openapi/checkouts.yaml with the pinned oapi-codegen
generate:
	$(GO) generate ./...

## check-generated: fail if regenerating changes client/ (someone edited the spec without `make generate`, or client/ by hand)
check-generated: generate
	@git diff --exit-code --stat -- client/ || { echo "client/ is stale or hand-edited: run 'make generate' and commit"; exit 1; }
	@untracked=$$(git status --porcelain --untracked-files=all -- client/); \
	  if [ -n "$$untracked" ]; then echo "untracked generated files: $$untracked"; exit 1; fi

## lint: gofmt, go vet, staticcheck (with the doc-comment checks of staticcheck.conf) and go-errorlint on every module
lint: vet
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(STATICCHECK) ./...
	cd tests && $(STATICCHECK) ./...
	cd ratelimit/redis && $(STATICCHECK) ./...
	$(ERRORLINT) ./...
	cd tests && $(ERRORLINT) ./...
	cd ratelimit/redis && $(ERRORLINT) ./...

vet:
	$(GO) vet ./...
	cd tests && $(GO) vet ./...
	cd ratelimit/redis && $(GO) vet ./...

## unit: root module tests (generated client, wrapper, polartest, CLI) with the race detector
unit:
	$(GO) test -race -count=1 ./...

## contract: the tests/ module (kin-openapi contract tests, faults, fuzz seeds, footprint) with the race detector
contract:
	cd tests && $(GO) test -race -count=1 ./...

## redislimit: the ratelimit/redis module (a rate limit shared through Redis): vet, staticcheck, and its tests with -race
## against redis-server processes of their own (skipped without redis-server, failed instead when POLAR_REQUIRE_REDIS=1)
redislimit:
	cd ratelimit/redis && $(GO) vet ./... && $(STATICCHECK) ./... && $(GO) test -race -count=1 ./...

## footprint: only the dependency-footprint check
footprint:
	cd tests && $(GO) test -count=1 -run Footprint ./footprint/

## demo: walk the whole checkout flow against the in-process fake server
demo:
	$(GO) run ./cmd/polar-checkouts demo

## mock: run the fake server standalone on 127.0.0.1:12111
mock:
	$(GO) run ./cmd/polar-checkouts mock --addr 127.0.0.1:12111

## bench: benchmarks (benchstat-friendly) into bench/latest.txt
bench:
	mkdir -p bench
	cd tests && $(GO) test -run '^$$' -bench . -benchmem -count=$(BENCHCOUNT) ./bench/ | tee ../bench/latest.txt

## fuzz: run every fuzz target (SDK decoders in tests/fuzz, the fake server in polartest) for FUZZTIME each
fuzz:
	for t in $$($(GO) test -list '^Fuzz' ./polartest/ | grep '^Fuzz'); do \
	  $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) ./polartest/ || exit 1; done
	cd tests && for t in $$($(GO) test -list '^Fuzz' ./fuzz/ | grep '^Fuzz'); do \
	  $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) ./fuzz/ || exit 1; done

## spec-diff: breaking and other changes of openapi/checkouts.yaml since BASE (a git ref); fails on breaking ones.
## openapi/oasdiff-levels.txt lowers new response enum values to info: the SDK decodes unknown values.
spec-diff:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	  git show "$(BASE):openapi/checkouts.yaml" > "$$tmp/base.yaml"; \
	  version() { sed -n 's/^  version: *"\{0,1\}\([^"]*\)"\{0,1\} *$$/\1/p' "$$1" | head -n 1; }; \
	  echo "== API version $$(version "$$tmp/base.yaml") ($(BASE)) -> $$(version openapi/checkouts.yaml) (working tree) =="; \
	  echo "== breaking changes since $(BASE) =="; \
	  status=0; $(OASDIFF) breaking --fail-on ERR --severity-levels openapi/oasdiff-levels.txt "$$tmp/base.yaml" openapi/checkouts.yaml || status=$$?; \
	  echo "== all changes since $(BASE) =="; \
	  $(OASDIFF) changelog --severity-levels openapi/oasdiff-levels.txt "$$tmp/base.yaml" openapi/checkouts.yaml; \
	  exit $$status

clean:
	$(GO) clean -testcache
