#!/usr/bin/env bash
# The container image, built and run with buildah, without a registry of images:
#   1. a Node.js 24 base image from Debian's packages and the npm registry (base-image.sh; cached),
#   2. the Dockerfile built on it (`buildah bud`, chroot isolation, NODE_IMAGE naming the base),
#   3. the image's CMD started as its USER, with its ENV and WORKDIR (`buildah run`),
#   4. its HEALTHCHECK command, read from the image's config, run inside the container: exit 0 once
#      the service is ready, and not 0 against a port nothing listens on,
#   5. a distance queried over HTTP,
#   6. SIGTERM to the service; it must exit 0.
# Every step prints one line; a failure prints what failed and the end of its log, and exits 1.
#
# Usage: build/container/check.sh   (as root; needs buildah, debootstrap, node and npm on PATH, and
# Debian's archive and the npm registry within reach). IMAGE names the image built
# (default localhost/postal-distance-subgraph:check); both images stay in buildah's storage, so a
# second run reuses the base and every unchanged layer (`buildah rmi` removes them).
#
# How it differs from `docker run`: chroot isolation shares the host's network and process ids, so
# the service listens on 127.0.0.1 and a free port (HOST and PORT set as `docker run -e` would) rather
# than the image's 0.0.0.0:4001, and it is not PID 1: SIGTERM goes to its process id.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
IMAGE=${IMAGE:-localhost/postal-distance-subgraph:check}
EXPECTED='{"data":{"distance":{"kilometers":3956.954301650339}}}'

started=$SECONDS
log=
step() { printf 'container check [%4d s] %s\n' $((SECONDS - started)) "$*"; }
fail() {
  printf 'container check FAILED: %s\n' "$*" >&2
  if [[ -n $log && -s $log ]]; then tail -n 30 "$log" | sed 's/^/  | /' >&2; fi
  exit 1
}

[[ $EUID -eq 0 ]] || fail "run as root: debootstrap and buildah's chroot isolation need it"
for tool in buildah debootstrap node npm curl; do command -v "$tool" >/dev/null || fail "$tool is not installed"; done

logs=$(mktemp -d /tmp/container-check.XXXXXX)
container=
runner=
service=
# Every process under `pid`, parents first.
descendants() { local child; for child in $(ps -o pid= --ppid "$1"); do echo "$child"; descendants "$child"; done; }
# On the way out, failed or not: whatever still runs under the container is killed, the container removed.
cleanup() {
  if [[ -n $runner ]]; then
    local pid
    for pid in $(descendants "$runner"); do kill -KILL "$pid" 2>/dev/null || true; done
    wait "$runner" 2>/dev/null || true
  fi
  if [[ -n $container ]]; then buildah rm "$container" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

# --- 1. The base image ------------------------------------------------------------------------
log="$logs/base.log"
step "base image: Debian bookworm (debootstrap) + Node.js 24 and npm from the npm registry"
base=$(bash "$ROOT/build/container/base-image.sh" 2>"$log") || fail "the base image could not be built"
step "base image: $base ($(grep -o 'reusing\|committing' "$log" | tail -n 1))"

# --- 2. The Dockerfile ------------------------------------------------------------------------
log="$logs/build.log"
# The build's `npm ci` reaches the registry as this machine's npm does: where npm has a `cafile`, or
# else Node has NODE_EXTRA_CA_CERTS (a proxy that re-signs TLS needs its CA), a copy and a global
# npmrc naming it are bind-mounted over /usr/local/etc (npm's global config directory, empty in the
# base images) for the RUN steps. Mounts of `bud -v` are never committed, and over a directory that
# exists they leave no mount point behind.
mounts=()
cafile=$(npm config get cafile)
[[ -f $cafile ]] || cafile=${NODE_EXTRA_CA_CERTS:-}
if [[ -f $cafile ]]; then
  mkdir "$logs/npm-etc"
  cp "$cafile" "$logs/npm-etc/build-ca.crt"
  printf 'cafile=/usr/local/etc/build-ca.crt\n' >"$logs/npm-etc/npmrc"
  mounts=(-v "$logs/npm-etc:/usr/local/etc:ro")
fi
step "buildah bud --isolation chroot --build-arg NODE_IMAGE=$base -t $IMAGE${mounts[*]:+ (npm cafile $cafile)}"
build_started=$SECONDS
buildah bud --isolation chroot --network host --pull=never --format docker --layers --force-rm "${mounts[@]}" \
  --build-arg "NODE_IMAGE=$base" --tag "$IMAGE" "$ROOT" >"$log" 2>&1 || fail "buildah bud failed"
warmed=$(grep -o 'warm-compile-cache: .*' "$log" | head -n 1) || warmed="every layer from the last build (--layers)"
step "built in $((SECONDS - build_started)) s; $warmed"

# --- The image's config, as a container engine reads it (docker format: HEALTHCHECK included) ---
config=$(buildah inspect --type image "$IMAGE")
# Prints one field of the config: a string as is, an array as NUL-separated words.
field() {
  node -e '
    const value = ["Docker", "config", ...process.argv[2].split(".")].reduce((o, k) => (o == null ? undefined : o[k]), JSON.parse(process.argv[1]));
    if (value == null) process.exit(1);
    process.stdout.write(Array.isArray(value) ? value.map(String).join("\0") : String(value));' "$config" "$1"
}
user=$(field User) || fail "the image has no USER"
workdir=$(field WorkingDir) || fail "the image has no WORKDIR"
mapfile -d '' cmd < <(field Cmd) || true
mapfile -d '' healthcheck < <(field Healthcheck.Test) || true
[[ ${#cmd[@]} -gt 0 ]] || fail "the image has no CMD"
[[ ${#healthcheck[@]} -gt 1 && ${healthcheck[0]} == CMD ]] || fail "the image has no exec-form HEALTHCHECK (got: ${healthcheck[*]:-none})"
probe=("${healthcheck[@]:1}")
step "image config: USER $user, WORKDIR $workdir, CMD ${cmd[*]}, HEALTHCHECK ${probe[0]} … (interval $(($(field Healthcheck.Interval) / 1000000000)) s)"

# --- 3. The CMD, as the USER ------------------------------------------------------------------
container=$(buildah from --pull=never "$IMAGE")
port=$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
in_container() { buildah run --isolation chroot --user "$user" --env HOST=127.0.0.1 --env "PORT=$1" "$container" -- "${@:2}"; }

log="$logs/service.log"
step "buildah run --user $user $container -- ${cmd[*]}   (HOST=127.0.0.1 PORT=$port)"
in_container "$port" "${cmd[@]}" >"$log" 2>&1 &
runner=$!

# The service's process: the runner's descendant running the CMD (its program resolved on PATH:
# /usr/local/bin/node for `node`), under buildah's chroot-exec helper.
find_service() {
  local pid words
  for pid in $(descendants "$runner"); do
    mapfile -d '' words <"/proc/$pid/cmdline" 2>/dev/null || continue
    [[ ${#words[@]} -gt 0 && $(basename "${words[0]}") == "$(basename "${cmd[0]}")" && "${words[*]:1}" == "${cmd[*]:1}" ]] || continue
    echo "$pid"
    return 0
  done
  return 1
}
ready_started=$SECONDS
until curl -fs -o /dev/null "http://127.0.0.1:$port/readyz"; do
  kill -0 "$runner" 2>/dev/null || fail "the service exited before it was ready"
  ((SECONDS - ready_started < 90)) || fail "the service was not ready within 90 s"
  sleep 0.5
done
service=$(find_service) || fail "no process runs the CMD under the container"
uid=$(awk '/^Uid:/ { print $2 }' "/proc/$service/status")
user_uid=$(buildah run --isolation chroot --user "$user" "$container" -- id -u)
[[ $uid == "$user_uid" ]] || fail "the service runs as uid $uid, not as $user (uid $user_uid)"
step "ready after $((SECONDS - ready_started)) s: pid $service, uid $uid, $(grep -o '"phase":"ready"[^}]*' "$log" | head -n 1 | cut -c1-120)"

# --- 4. The HEALTHCHECK -----------------------------------------------------------------------
log="$logs/healthcheck.log"
in_container "$port" "${probe[@]}" >"$log" 2>&1 || fail "the HEALTHCHECK failed (exit $?) on the ready service"
step "HEALTHCHECK inside the container: exit 0 on port $port"
closed=$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
code=0
in_container "$closed" "${probe[@]}" >"$log" 2>&1 || code=$?
[[ $code -ne 0 ]] || fail "the HEALTHCHECK passed against port $closed, where nothing listens"
step "HEALTHCHECK inside the container: exit $code on port $closed, where nothing listens"

# --- 5. A query -------------------------------------------------------------------------------
log="$logs/query.log"
answer=$(curl -sS "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' \
  -d '{"query":"{ distance(from: \"90210\", to: \"10001\") { kilometers } }"}' 2>"$log") || fail "the query failed"
[[ $answer == "$EXPECTED" ]] || { echo "$answer" >"$log"; fail "the query answered something else than $EXPECTED"; }
step "query 90210 → 10001: $answer"

# --- 6. SIGTERM -------------------------------------------------------------------------------
log="$logs/service.log"
stop_started=$SECONDS
kill -TERM "$service"
code=0
wait "$runner" || code=$?
runner=
[[ $code -eq 0 ]] || fail "the service exited $code after SIGTERM"
grep -q '"phase":"shutdown".*"stopped"' "$log" || fail "the service exited 0 without logging that it stopped"
step "SIGTERM: exit 0 after $((SECONDS - stop_started)) s (SHUTDOWN_DELAY_MS and the drain)"

buildah rm "$container" >/dev/null
container=
rm -rf "$logs"
step "passed in $((SECONDS - started)) s; images kept: $base, $IMAGE"
