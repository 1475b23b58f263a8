# The two commands a new user runs (see README.md):
#   make demo   runs the whole job end to end against the example token endpoint
#   make test   runs the test suite (what CI runs)

SWIFT ?= swift

.PHONY: deps build test demo bench

deps:
	@./scripts/ensure-deps.sh

build: deps
	$(SWIFT) build

# A private PostgreSQL cluster on 127.0.0.1 for the fleet-store tests, stopped on every exit path.
test:
	@./scripts/ensure-deps.sh --postgres
	./scripts/test.sh

demo: deps
	@./examples/demo.sh

# Every operation against its physical floor, in one release run (ARGS=--json for JSON).
bench: deps
	$(SWIFT) build -c release --product benchmark
	$(SWIFT) build -c release --product benchmark-hello
	$(SWIFT) build -c release --product vaultcli
	"$$($(SWIFT) build -c release --show-bin-path)/benchmark" $(ARGS)

# Crash injection, a hostile token endpoint, an 8-process soak with rotation, the tamper sweep,
# libFuzzer targets, the test suite under ASan and TSan, and a secret-leak scan; one summary table
# (QUICK=1: the short run).
.PHONY: reliability
reliability: deps
	./scripts/reliability.sh $(ARGS)
