# ingest-server, event-generator, file-bridge and ingest-admin on Debian bookworm.
#   docker build -t ingest:local .      (docker-compose.yml builds it as well)
# No ENTRYPOINT: every service of docker-compose.yml runs its own binary from this one image.
# Stages in this order: the package layers of both stages first, so that `--target runtime-deps`
# makes them alone (scripts/test.sh does, beside its own build: they cost downloads more than CPU);
# then the compile, then the runtime image.

FROM debian:bookworm AS build-deps
WORKDIR /src
# The packages first, so that editing a source file does not reinstall them.
COPY scripts/setup-deps.sh scripts/
RUN scripts/setup-deps.sh --build-only

FROM debian:bookworm-slim AS runtime-deps
# Only the shared libraries the binaries link (apt pulls in their own dependencies), psql for
# the schema, CA certificates for TLS to PostgreSQL, and openssl with scripts/make-certs.sh for
# the certificates and tokens of deploy/compose.tls.yml.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libgrpc++1.51 libgrpc29 libprotobuf32 libpqxx-6.4 libpq5 libabsl20220623 \
      libspdlog1.10 libfmt9 libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0 \
      libssl3 zlib1g libtcmalloc-minimal4 postgresql-client ca-certificates openssl \
 && rm -rf /var/lib/apt/lists/*
# Empty named volumes take these folders' owner on first mount, so the non-root user can write
# its checkpoints and the shared data folder.
RUN useradd --system --user-group --uid 10001 --home-dir /var/lib/ingest --shell /usr/sbin/nologin ingest \
 && mkdir -p /var/lib/ingest/checkpoints /data/input /data/archive /data/failed /data/catalog \
 && chown -R ingest:ingest /var/lib/ingest /data

FROM build-deps AS build
# What the four binaries are built from, and nothing else, so that editing a test, a document or
# a deploy file leaves this stage's layers cached.
COPY CMakeLists.txt ./
COPY proto proto
COPY sql sql
COPY common common
COPY server server
COPY generator-client generator-client
COPY file-bridge file-bridge
COPY admin-cli admin-cli
COPY bench bench
COPY scripts/build.sh scripts/ccache.conf scripts/
# The compiler cache that CI's test build leaves in .local/ccache (scripts/build.sh --ccache), when
# the build context has one: the same sources with the same flags, so the compiles below find
# their objects there and only the link is left. The glob copies nothing where there is no cache
# (a fresh checkout: everything is compiled); scripts/ccache.conf is the one source COPY needs to
# exist, and the settings build.sh puts into the cache folder anyway. The cache stays in this
# stage, not in the image.
COPY scripts/ccache.conf .local/ccach[e] .local/ccache/
# build.sh makes the release build (RelWithDebInfo's -O2, no tests, no failpoints) of the four
# binaries alone, on every core; without -g, as the image would strip the debug info anyway (the
# same machine code, compiled about 20% faster). In /src/build, below the checkout like the host's
# build folder, so that ccache's relative paths match. strip drops the symbol tables.
RUN scripts/build.sh --ccache --no-debug-info --target ingest-server event-generator file-bridge ingest-admin \
 && mkdir /out \
 && cp build/server/ingest-server build/generator-client/event-generator \
       build/file-bridge/file-bridge build/admin-cli/ingest-admin /out/ \
 && strip /out/*

FROM runtime-deps
COPY --from=build /out/ingest-server /out/event-generator /out/file-bridge /out/ingest-admin /usr/local/bin/
COPY sql/*.sql /usr/share/ingest/sql/
COPY scripts/make-certs.sh /usr/local/bin/make-certs.sh
USER ingest
WORKDIR /var/lib/ingest
# ingest (gRPC), admin (gRPC), metrics (HTTP /metrics)
EXPOSE 50051 50052 9464
CMD ["ingest-server", "--listen", "0.0.0.0:50051", "--admin-listen", "0.0.0.0:50052", \
     "--metrics-listen", "0.0.0.0:9464", "--checkpoint-dir", "/var/lib/ingest/checkpoints"]
