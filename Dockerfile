# syntax=docker/dockerfile:1
# The postal-distance subgraph as a container image. docs/operations.md (Container) says how to
# build, run and compose it, and what of it was run where: no container engine ran this file.
# test/integration/package.test.ts runs the same steps on the machine (pack, install production
# dependencies, warm the compile cache, start with the CMD below, probe with the HEALTHCHECK below).
#
#   docker build -t postal-distance-subgraph .
#   docker run --rm -p 4001:4001 --stop-timeout 20 postal-distance-subgraph

# Node.js 24 LTS on Debian 12 (bookworm), the Debian release the tests run on. Pinned to a release:
# bump it with .ci/run's Node 24 run, which tests the same line.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# ---------------------------------------------------------------------------------------------
# build: every dependency, TypeScript compiled and bundled, then packed as `npm pack` packs it, so
# the image holds exactly the package's files (package.json `files`). Also the target the example
# stores subgraph runs from in compose.yaml (it needs tsx, a dev dependency).
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency needs its install script (npm 11 on the development machine runs none).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm pack --pack-destination /tmp \
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
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force \
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
# image: Node's fetch. --start-interval needs Docker Engine 25 or later.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --start-interval=2s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 4001}/readyz`, { signal: AbortSignal.timeout(2500) }).then((res) => process.exit(res.status === 200 ? 0 : 1), () => process.exit(1))"]
# Node as PID 1 handles SIGTERM itself (src/service.ts): /readyz answers 503, requests in flight
# finish, it exits 0. That takes up to SHUTDOWN_DELAY_MS + SHUTDOWN_TIMEOUT_MS (5 s + 10 s in
# production): give `docker stop` more than its default 10 s (--stop-timeout 20, compose's stop_grace_period).
CMD ["node", "dist/main.js"]
