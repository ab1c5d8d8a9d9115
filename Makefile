# fixlog — two commands on a fresh Debian 12 machine:
#   make demo   build (release) and run fixlog on the bundled fixture project
#   make test   run the whole test suite
# Each first installs what is missing (apt-get, as root).

SHELL := /bin/bash
SWIFT ?= swift
DEMO_DIR ?= fixtures/projects/voice-backend
FIXLOG_RELEASE := .build/release/fixlog
APT_PACKAGES := libcmark-dev pkg-config podman runc busybox-static

.PHONY: all deps demo test build release clean record docs install fuzz fuzz-build sanitize

all: build

# Install system packages that are missing. Never edits anything outside apt's reach.
deps:
	@missing=""; \
	pkg-config --exists libcmark 2>/dev/null || missing="$$missing libcmark-dev"; \
	command -v pkg-config >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	command -v podman >/dev/null 2>&1 || missing="$$missing podman"; \
	command -v runc >/dev/null 2>&1 || [ -x /usr/sbin/runc ] || missing="$$missing runc"; \
	dpkg-query -W -f='$${Status}' busybox-static 2>/dev/null | grep -q "ok installed" || missing="$$missing busybox-static"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "fixlog: installing$$missing with apt-get"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "fixlog: missing system packages:$$missing"; \
	    echo "fixlog: run 'sudo apt-get install -y$$missing' (or run make as root) and try again"; \
	    echo "fixlog: (podman, runc and busybox-static are only needed by the real container build test, which is skipped without them)"; \
	    exit 1; \
	  fi; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product fixlog

# The main job on the bundled fixture project, run on a scratch copy so the fixture stays as committed.
DEMO_OUT ?= .build/demo
demo: release
	@rm -rf $(DEMO_OUT) && mkdir -p $(DEMO_OUT) && cp -R $(DEMO_DIR) $(DEMO_OUT)/project
	@cd $(DEMO_OUT)/project && F=$(CURDIR)/$(FIXLOG_RELEASE); \
	  if [ -t 1 ]; then b=$$'\033[1m'; n=$$'\033[0m'; else b=; n=; fi; \
	  step() { printf '\n%s$$ %s%s\n' "$$b" "$$*" "$$n"; }; \
	  step "fixlog check              # does the Dockerfile still carry every documented change?"; \
	  $$F check --root .; echo "(exit $$?: 1 = something moved, changed, went missing or regressed)"; \
	  step "fixlog verify --allow-exec   # run the documented verification steps"; \
	  $$F verify --root . --allow-exec; echo "(exit $$?)"; \
	  step "fixlog check --fix        # correct the stale line reference in the log, nothing else"; \
	  $$F check --root . --fix >/dev/null; echo "(exit $$?)"; \
	  diff -u $(CURDIR)/$(DEMO_DIR)/DOCKERFILE_FIXES.md DOCKERFILE_FIXES.md | sed 's|$(CURDIR)/||'; \
	  step "fixlog check              # again: every change holds or is superseded"; \
	  $$F check --root . | tail -n 1; echo "(exit $$?)"
	@echo; echo "The scratch copy is in $(DEMO_OUT)/project (the fixture itself is untouched)."

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Re-record every golden file from the current output (review the diff afterwards).
record: deps
	FIXLOG_RECORD=1 $(SWIFT) test || true

clean:
	rm -rf .build

# Install the release binary and the templates (`fixlog render`/`new` find them in <prefix>/share/fixlog/Templates).
PREFIX ?= /usr/local
install: release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/fixlog
	install -m 0755 $(FIXLOG_RELEASE) $(DESTDIR)$(PREFIX)/bin/fixlog
	rm -rf $(DESTDIR)$(PREFIX)/share/fixlog/Templates
	cp -R Templates $(DESTDIR)$(PREFIX)/share/fixlog/Templates

# ---- Hardening (docs/reliability.md) ----------------------------------------------------------------
# libFuzzer harnesses, built with -sanitize=fuzzer into .build-fuzz (the normal build is untouched), seeded
# from the fixtures at run time. `make fuzz FUZZ_SECONDS=3600` fuzzes longer; `scripts/fuzz.sh run FuzzDockerfile`
# runs one harness.
FUZZ_SECONDS ?= 60
export FUZZ_SECONDS

fuzz-build: deps
	scripts/fuzz.sh build

fuzz: deps
	scripts/fuzz.sh run

# The runner, parser and hardening tests under ThreadSanitizer and AddressSanitizer (separate scratch paths).
SANITIZE_FILTER ?= StepRunner|RunnerAttack|HostileInput|FuzzRegression|PathEscape|Dockerfile|Ingest|VerificationEngine
sanitize: deps
	$(SWIFT) build --build-tests --scratch-path .build-tsan -Xswiftc -sanitize=thread
	TSAN_OPTIONS="suppressions=$(CURDIR)/scripts/tsan-suppressions.txt halt_on_error=0" \
	  $(SWIFT) test --skip-build --scratch-path .build-tsan --filter '$(SANITIZE_FILTER)'
	$(SWIFT) build --build-tests --scratch-path .build-asan -Xswiftc -sanitize=address
	ASAN_OPTIONS="detect_leaks=$${FIXLOG_DETECT_LEAKS:-0}" \
	  $(SWIFT) test --skip-build --scratch-path .build-asan --filter '$(SANITIZE_FILTER)'
