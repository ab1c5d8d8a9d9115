# syntax=docker/dockerfile:1
# fixlog's own container image: build with the Swift toolchain, ship a slim Debian runtime.
#   podman build -t fixlog .        (pulls swift:6.3.1-bookworm and debian:bookworm-slim)
#   podman run --rm -v "$PWD:/work" fixlog check
# Every change to this file is documented in DOCKERFILE_FIXES.md, which fixlog's own tests check.

ARG SWIFT_IMAGE=docker.io/library/swift:6.3.1-bookworm

FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcmark-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift Package.resolved ./
COPY Sources Sources
COPY Benchmarks Benchmarks
COPY Tests Tests
COPY Templates Templates
RUN swift build -c release --product fixlog --static-swift-stdlib \
    && install -D -m 0755 .build/release/fixlog /out/usr/local/bin/fixlog \
    && strip /out/usr/local/bin/fixlog

FROM docker.io/library/debian:bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcmark0.30.2 git ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/usr/local/bin/fixlog /usr/local/bin/fixlog
COPY --from=build /src/Templates /usr/local/share/fixlog/Templates
RUN fixlog --version
WORKDIR /work
ENTRYPOINT ["fixlog"]
CMD ["--help"]
