#!/usr/bin/env bash
# Installs the official Node.js Lambda runtime interface client (npm package `aws-lambda-ric`)
# into a cache folder, for the test that runs a handler unchanged against baton's Runtime API.
#
# usage: tests/runtime/ric_setup.sh CACHE_DIR
#   env RIC_VERSION      npm version to install (default 4.0.2, the latest; 3.3.0 also works)
#   env RIC_APT_INSTALL  1 (default): apt-get install missing build tools when running as root;
#                        0: never touch apt, exit 77 instead
# exit 0   installed (or already there); the last lines printed are KEY=VALUE, also saved in
#          CACHE_DIR/ric.env: RIC_VERSION, RIC_DIR, RIC_ENTRY (run it as `node "$RIC_ENTRY"`)
# exit 77  cannot be installed on this machine (the message says exactly why)
# exit 1   unexpected failure (bad usage, or the native build broke: see CACHE_DIR/install.log)
#
# Why it is fiddly: the package has no prebuilt binary. Its preinstall builds the curl and
# aws-lambda-cpp sources that ship inside the npm tarball (nothing is downloaded from GitHub),
# and its postinstall builds a node-gyp addon (rapid-client.node). node-gyp needs the headers
# of the running node; unless npm_config_nodedir points at local ones it downloads them from
# nodejs.org, which is unreachable here, so this script always sets the nodedir.
# Needs: node + npm, the npm registry, cmake, make, g++, python3, tar, xz; 3.x also needs
# autoconf, automake and libtool (its curl build runs autoreconf). ~1m40s on 2 cores.
#
# Running it (4.x): 4.x ignores the handler argument and reads the environment instead; it
# needs AWS_LAMBDA_RUNTIME_API, _HANDLER, LAMBDA_TASK_ROOT, and it exits on the first
# invocation unless AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_FUNCTION_VERSION,
# AWS_LAMBDA_FUNCTION_MEMORY_SIZE, AWS_LAMBDA_LOG_GROUP_NAME and AWS_LAMBDA_LOG_STREAM_NAME are
# set. It rejects callback-style handlers (Runtime.CallbackHandlerDeprecated, like Node 24);
# 3.x accepts them and takes the handler from argv. Example, from the task root:
#   _HANDLER=index.handler LAMBDA_TASK_ROOT=$PWD AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001 ... \
#     node "$RIC_ENTRY" index.handler
set -uo pipefail

say() { echo "ric_setup: $*"; }
skip() { echo "ric_setup: SKIP: aws-lambda-ric cannot be installed here: $*" >&2; exit 77; }
die() { echo "ric_setup: ERROR: $*" >&2; exit 1; }

if [ $# -ne 1 ] || [ -z "$1" ]; then die "usage: $0 CACHE_DIR"; fi
version=${RIC_VERSION:-4.0.2}
mkdir -p "$1" || die "cannot create $1"
cache=$(cd "$1" && pwd)
envfile="$cache/ric.env"
log="$cache/install.log"

# One installer at a time per cache.
if command -v flock >/dev/null; then
  exec 9>"$cache/.lock"
  flock 9
fi

command -v node >/dev/null || skip "node is not installed"
command -v npm >/dev/null || skip "npm is not installed"
node_version=$(node -p 'process.versions.node')

# The native addon refuses to load without AWS_LAMBDA_RUNTIME_API (it reads it at load time);
# any value will do for this check, nothing connects to it.
addon_loads() {
  AWS_LAMBDA_RUNTIME_API=127.0.0.1:9 node -e 'require(process.argv[1])' "$1" >/dev/null 2>&1
}

print_env() {
  say "ready; run it as: node \"\$RIC_ENTRY\" HANDLER (variables below, also in $envfile)"
  cat "$envfile"
}

# --- already installed? ------------------------------------------------------------------
if [ -f "$envfile" ]; then
  # shellcheck disable=SC1090
  ( . "$envfile"
    [ "$RIC_VERSION" = "$version" ] && [ "$RIC_NODE" = "$node_version" ] &&
      [ -f "$RIC_ENTRY" ] && addon_loads "$RIC_ADDON" ) && {
    say "aws-lambda-ric@$version already installed in $cache (node $node_version)"
    print_env
    exit 0
  }
  say "cached install in $cache is stale or broken; reinstalling"
  rm -f "$envfile"
fi

# --- headers of the running node, so node-gyp does not download them ------------------------
node_headers_version() {  # prints X.Y.Z of $1/include/node/node_version.h
  local h="$1/include/node/node_version.h"
  [ -f "$h" ] || return 1
  awk '/#define NODE_(MAJOR|MINOR|PATCH)_VERSION/ {v[$2]=$3}
       END {print v["NODE_MAJOR_VERSION"] "." v["NODE_MINOR_VERSION"] "." v["NODE_PATCH_VERSION"]}' "$h"
}
nodedir=""
node_prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
for d in ${npm_config_nodedir:-} "$node_prefix" /usr /usr/local; do
  if [ "$(node_headers_version "$d" 2>/dev/null)" = "$node_version" ]; then nodedir=$d; break; fi
done
[ -n "$nodedir" ] || skip "no local C headers for node v$node_version (looked for include/node/node_version.h" \
  "under ${npm_config_nodedir:+$npm_config_nodedir, }$node_prefix, /usr, /usr/local); node-gyp would download" \
  "them from nodejs.org, which this machine cannot reach"
say "node v$node_version, headers in $nodedir/include/node"

# --- build tools -----------------------------------------------------------------------------
need=()  # Debian packages
command -v cmake >/dev/null || command -v cmake3 >/dev/null || need+=(cmake)
command -v make >/dev/null || need+=(make)
command -v g++ >/dev/null || need+=(g++)
command -v python3 >/dev/null || need+=(python3)
command -v xz >/dev/null || need+=(xz-utils)
case "$version" in
  [0-3].*) command -v autoreconf >/dev/null && command -v libtoolize >/dev/null ||
             need+=(autoconf automake libtool) ;;
esac
if [ ${#need[@]} -gt 0 ]; then
  if [ "${RIC_APT_INSTALL:-1}" != 1 ]; then
    skip "missing build tools; install the Debian packages: ${need[*]}"
  fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    skip "missing build tools and not root with apt-get; install the Debian packages: ${need[*]}"
  fi
  say "installing Debian packages: ${need[*]}"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"; } \
    >"$cache/apt.log" 2>&1 || skip "apt-get install ${need[*]} failed (see $cache/apt.log)"
fi

# --- npm install ---------------------------------------------------------------------------
# The allowScripts entry lets the package's preinstall/postinstall (the native build) run on
# npm versions that block dependency install scripts by default; older npm ignores it.
cat >"$cache/package.json" <<EOF
{"name": "baton-ric-cache", "version": "1.0.0", "private": true,
 "allowScripts": {"aws-lambda-ric@$version": true}}
EOF
rm -rf "$cache/node_modules" "$cache/package-lock.json"
say "npm install aws-lambda-ric@$version into $cache (builds curl, aws-lambda-cpp and a node-gyp" \
  "addon from source; takes about 2 minutes on 2 cores; log: $log)"
start=$(date +%s)
( cd "$cache" &&
  npm_config_nodedir="$nodedir" npm install "aws-lambda-ric@$version" --save-exact --no-audit --no-fund \
    --foreground-scripts --loglevel=warn ) >"$log" 2>&1
rc=$?
say "npm install finished in $(( $(date +%s) - start ))s with status $rc"
if [ $rc -ne 0 ]; then
  tail -n 25 "$log" | sed 's/^/  | /' >&2
  if grep -qE 'E(NOTFOUND|AI_AGAIN|CONNREFUSED|CONNRESET|TIMEDOUT)|ETARGET|E404' "$log"; then
    skip "npm could not fetch aws-lambda-ric@$version or a dependency (registry unreachable or version unknown; see $log)"
  fi
  if grep -q 'nodejs.org' "$log"; then
    skip "node-gyp tried to download node headers from nodejs.org (unreachable; see $log)"
  fi
  die "npm install aws-lambda-ric@$version failed (see $log)"
fi

pkg="$cache/node_modules/aws-lambda-ric"
entry=$(node -p 'const p=require(process.argv[1]); typeof p.bin==="string"?p.bin:p.bin["aws-lambda-ric"]' \
  "$pkg/package.json") || die "cannot read $pkg/package.json"
entry=$(cd "$pkg" && readlink -f "$entry")
addon=""
for a in "$pkg/rapid-client.node" "$pkg/dist/rapid-client.node" "$pkg/build/Release/rapid-client.node"; do
  [ -f "$a" ] && { addon=$a; break; }
done
[ -n "$addon" ] || die "npm install succeeded but no rapid-client.node was built: were install scripts" \
  "skipped? (see $log)"
addon_loads "$addon" || die "$addon was built but does not load in node v$node_version"
[ -f "$entry" ] || die "entry point $entry missing"

cat >"$envfile" <<EOF
RIC_VERSION=$version
RIC_NODE=$node_version
RIC_DIR=$pkg
RIC_ENTRY=$entry
RIC_ADDON=$addon
EOF
case "$version" in
  4.*) node -e 'process.exit(+process.versions.node.split(".")[0] >= 22 ? 0 : 1)' ||
         say "note: aws-lambda-ric@$version declares node >=22; it works on v$node_version as tested" ;;
esac
print_env
