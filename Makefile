# The two commands a new user runs (see README.md):
#   make demo   runs the whole job end to end against the example token endpoint
#   make test   runs the test suite (what CI runs)

SWIFT ?= swift

.PHONY: deps build test demo bench

deps:
	@./scripts/ensure-deps.sh

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) test

demo: deps
	@./examples/demo.sh
