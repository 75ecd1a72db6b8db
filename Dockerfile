# syntax=docker/dockerfile:1
# The postal-distance subgraph as a container image. docs/operations.md (Container) says how to
# build, run and compose it. build/container/check.sh builds this file with buildah on a Node 24
# base bootstrapped from Debian's packages, runs its CMD as its USER, probes its HEALTHCHECK, queries
# it and stops it; test/integration/package.test.ts runs the same steps without an engine.
#
#   docker build -t postal-distance-subgraph .
#   docker run --rm -p 4001:4001 --stop-timeout 20 postal-distance-subgraph

# Node.js 24 LTS on Debian 12 (bookworm), the Debian release the tests run on. Pinned to a release:
# bump it with .ci/run's Node 24 run, which tests the same line.
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

# ---------------------------------------------------------------------------------------------
# build: every dependency, then the package as `npm pack` packs it (its prepack compiles and bundles
# dist/), unpacked, so the image holds exactly the package's files (package.json `files`). Also the
# target the example stores subgraph runs from in compose.yaml (it needs tsx, a dev dependency).
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency needs its install script (package.json `allowScripts` denies them
# all). npm's cache is a cache mount: shared by both stages' installs, and never in a layer.
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm pack --pack-destination /tmp \
 && mkdir /package \
 && tar -xzf /tmp/postal-distance-subgraph-*.tgz -C /package --strip-components=1

# ---------------------------------------------------------------------------------------------
# runtime: production dependencies from the lockfile, the packed files, a non-root user.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4001
# GeoNames country files downloaded at start-up live here: a volume, so they outlive the container.
ENV DATA_DIR=/data
# Countries to download at start-up, e.g. CA,DE (needs egress to download.geonames.org); none by default.
ENV GEONAMES_COUNTRIES=
# Node's module compile cache (src/main.ts), filled below for the user `node` and this Node.
ENV NODE_COMPILE_CACHE=/app/.cache/node-compile-cache
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && mkdir -p /data /app/.cache \
 && chown node:node /data /app/.cache
COPY --from=build /package/ ./

# The official image's unprivileged user (uid 1000). The application's files stay root's, read-only to it.
USER node
# Start once while building, so that every container starts with the compile cache warm; the build
# fails here if the service cannot start.
RUN --mount=type=bind,source=build/warm-compile-cache.mjs,target=/tmp/warm-compile-cache.mjs \
    node /tmp/warm-compile-cache.mjs /app

VOLUME ["/data"]
EXPOSE 4001
# Ready means the dataset is loaded; 503 from SIGTERM on, while the service drains. No curl in a slim
# image: Node's fetch. No --start-interval: Debian's buildah (1.28) refuses it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 4001}/readyz`, { signal: AbortSignal.timeout(2500) }).then((res) => process.exit(res.status === 200 ? 0 : 1), () => process.exit(1))"]
# Node as PID 1 handles SIGTERM itself (src/service.ts): /readyz answers 503, requests in flight
# finish, it exits 0. That takes up to SHUTDOWN_DELAY_MS + SHUTDOWN_TIMEOUT_MS (5 s + 10 s in
# production): give `docker stop` more than its default 10 s (--stop-timeout 20, compose's stop_grace_period).
CMD ["node", "dist/main.js"]
