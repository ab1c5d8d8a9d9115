# fixlog — two commands on a fresh Debian 12 machine:
#   make demo   build (release) and run fixlog on the bundled fixture project
#   make test   run the whole test suite
#   make install PREFIX=/usr/local   install the release binary, templates, man page and completions
#   make bench  benchmarks beside the peers (cmark, dockerfile-parse, bash, cram, hugo); writes bench/results.json
# Each first installs what is missing (apt-get, as root).

SHELL := /bin/bash
SWIFT ?= swift
DEMO_DIR ?= fixtures/projects/voice-backend
FIXLOG_RELEASE := .build/release/fixlog
APT_PACKAGES := libcmark-dev pkg-config podman runc busybox-static

.PHONY: all deps demo test build release clean record docs manual completions install uninstall bench bench-peers fuzz fuzz-build sanitize

# Installation layout (DESTDIR is prepended for staged installs, e.g. packaging).
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(DESTDIR)$(PREFIX)/bin
DATADIR = $(DESTDIR)$(PREFIX)/share
MANDIR = $(DATADIR)/man/man1
MANUAL := .build/plugins/GenerateManual/outputs/fixlog/fixlog.1
COMPLETIONS := .build/completions

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
	  step "fixlog regenerate --summary   # fix stale references, add status blocks and a summary table"; \
	  $$F regenerate --root . --summary; echo "(exit $$?)"; \
	  diff -u $(CURDIR)/$(DEMO_DIR)/DOCKERFILE_FIXES.md DOCKERFILE_FIXES.md | sed -e 's|$(CURDIR)/||' -e '1,2s/\t.*//' | head -n 60; \
	  step "fixlog check              # again: every change holds or is superseded"; \
	  $$F check --root . | tail -n 1; echo "(exit $$?)"; \
	  step "fixlog regenerate --check   # what CI runs: is the log current?"; \
	  $$F regenerate --root . --check; echo "(exit $$?: 0 = current)"; \
	  step "fixlog site --out ../site   # publish the incident site"; \
	  $$F site --root . --out ../site; echo "(exit $$?)"
	@echo; echo "Open $(DEMO_OUT)/site/index.html in a browser to see the incident site."
	@echo; echo "The scratch copy is in $(DEMO_OUT)/project (the fixture itself is untouched)."

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Benchmarks (issue 7, docs/performance.md): release build, peers installed when missing, seeded workloads in
# a temporary folder, each pair interleaved BENCH_RUNS times (default 5). Not part of `make test`.
BENCH_VENV := .build/bench-venv

bench-peers: deps
	@missing=""; \
	command -v cmark >/dev/null 2>&1 || missing="$$missing cmark"; \
	command -v hugo >/dev/null 2>&1 || missing="$$missing hugo"; \
	command -v strace >/dev/null 2>&1 || missing="$$missing strace"; \
	command -v python3 >/dev/null 2>&1 || missing="$$missing python3"; \
	python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "fixlog bench: installing$$missing with apt-get"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "fixlog bench: missing:$$missing (run 'sudo apt-get install -y$$missing')"; exit 1; \
	  fi; \
	fi
	@if ! $(BENCH_VENV)/bin/python -c 'import dockerfile_parse' >/dev/null 2>&1 || [ ! -x $(BENCH_VENV)/bin/cram ]; then \
	  echo "fixlog bench: installing cram and dockerfile-parse in $(BENCH_VENV)"; \
	  python3 -m venv $(BENCH_VENV) && $(BENCH_VENV)/bin/pip install -q cram dockerfile-parse; \
	fi

bench: bench-peers
	$(SWIFT) build -c release --product fixlog
	$(SWIFT) build -c release --product fixlog-bench
	python3 bench/run.py --fixlog $(FIXLOG_RELEASE) --bench-tool .build/release/fixlog-bench --venv $(BENCH_VENV)

# Re-record every golden file from the current output (review the diff afterwards).
record: deps
	FIXLOG_RECORD=1 $(SWIFT) test || true

clean:
	rm -rf .build

# The man page, generated by swift-argument-parser's GenerateManual plugin from the commands' help
# (works offline: the plugin is part of the swift-argument-parser checkout).
manual: release
	$(SWIFT) package generate-manual --configuration release

# Shell completion scripts, generated by the release binary itself.
completions: release
	@mkdir -p $(COMPLETIONS)
	$(FIXLOG_RELEASE) --generate-completion-script bash > $(COMPLETIONS)/fixlog.bash
	$(FIXLOG_RELEASE) --generate-completion-script zsh > $(COMPLETIONS)/_fixlog
	$(FIXLOG_RELEASE) --generate-completion-script fish > $(COMPLETIONS)/fixlog.fish

# make install PREFIX=… : binary, templates, man page, completions for bash, zsh and fish.
install: release manual completions
	install -d $(BINDIR) $(MANDIR) $(DATADIR)/fixlog $(DATADIR)/bash-completion/completions \
	  $(DATADIR)/zsh/site-functions $(DATADIR)/fish/vendor_completions.d
	install -m 0755 $(FIXLOG_RELEASE) $(BINDIR)/fixlog
	@if [ -d Templates ]; then \
	  rm -rf $(DATADIR)/fixlog/Templates && cp -R Templates $(DATADIR)/fixlog/Templates && \
	  echo "installed Templates to $(DATADIR)/fixlog/Templates"; \
	else echo "fixlog: no Templates directory in this checkout; nothing to install there"; fi
	install -m 0644 $(MANUAL) $(MANDIR)/fixlog.1
	install -m 0644 $(COMPLETIONS)/fixlog.bash $(DATADIR)/bash-completion/completions/fixlog
	install -m 0644 $(COMPLETIONS)/_fixlog $(DATADIR)/zsh/site-functions/_fixlog
	install -m 0644 $(COMPLETIONS)/fixlog.fish $(DATADIR)/fish/vendor_completions.d/fixlog.fish
	@echo "installed fixlog $$($(BINDIR)/fixlog --version) to $(DESTDIR)$(PREFIX)"

uninstall:
	rm -f $(BINDIR)/fixlog $(MANDIR)/fixlog.1 $(DATADIR)/bash-completion/completions/fixlog \
	  $(DATADIR)/zsh/site-functions/_fixlog $(DATADIR)/fish/vendor_completions.d/fixlog.fish
	rm -rf $(DATADIR)/fixlog

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
SANITIZE_FILTER ?= StepRunner|RunnerAttack|HostileInput|FuzzRegression|PathEscape|Dockerfile|Ingest|VerificationEngine|ChunkedParse|ParallelCheck|ParseJSONWriter|SiteRender|Reingest|CheckSession|Regenerat
sanitize: deps
	$(SWIFT) build --build-tests --scratch-path .build-tsan -Xswiftc -sanitize=thread
	TSAN_OPTIONS="suppressions=$(CURDIR)/scripts/tsan-suppressions.txt halt_on_error=0" \
	  $(SWIFT) test --skip-build --scratch-path .build-tsan --filter '$(SANITIZE_FILTER)'
	$(SWIFT) build --build-tests --scratch-path .build-asan -Xswiftc -sanitize=address
	ASAN_OPTIONS="detect_leaks=$${FIXLOG_DETECT_LEAKS:-0}" \
	  $(SWIFT) test --skip-build --scratch-path .build-asan --filter '$(SANITIZE_FILTER)'
