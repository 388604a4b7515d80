#!/usr/bin/env bash
# Container check without a Docker engine.
#
# Replays every stage of ./Dockerfile in order, each in a clean temporary folder of its
# own that stands for its filesystem: their ARG, ENV, WORKDIR, COPY and RUN lines are
# read from the Dockerfile itself, so the install and build commands live in one place.
# `COPY --from=build /app/X` takes X from the replayed build stage, so a build stage that
# lacks a file the build needs fails here as it would in `docker build`. Then it starts
# the runtime (last) stage's CMD with the container's environment, waits for GET /health
# to answer 200, runs the image's HEALTHCHECK command against it (and against a closed
# port, where it must fail), sends SIGTERM and expects exit code 0.
#
# What it cannot reproduce: the base image's files (Debian bookworm, its exact Node 20
# patch release). It checks that the host's Node has the image's major version and runs
# npm at the version the Dockerfile asserts (NPM_VERSION), fetched from the registry.
#
# Usage: bash .ci/container-check.sh
set -Eeuo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DOCKERFILE="$REPO/Dockerfile"
WAIT_HEALTH_S=30   # process start until /health answers 200
WAIT_EXIT_S=45     # SIGTERM until exit; the drain has nothing to wait for here

say() { printf 'container-check: %s\n' "$*"; }
fail() { printf 'container-check: FAIL: %s\n' "$*" >&2; exit 1; }

WORK=""
GATEWAY_PID=""
cleanup() {
  local status=$?
  if [[ -n "$GATEWAY_PID" ]] && kill -0 "$GATEWAY_PID" 2>/dev/null; then
    kill -TERM "$GATEWAY_PID" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$GATEWAY_PID" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$GATEWAY_PID" 2>/dev/null || true
    wait "$GATEWAY_PID" 2>/dev/null || true
  fi
  if [[ -n "$WORK" && -d "$WORK" ]]; then rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v node >/dev/null || fail "node is not on PATH"
command -v npm >/dev/null || fail "npm is not on PATH"
[[ -f "$DOCKERFILE" ]] || fail "no Dockerfile at $DOCKERFILE"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/container-check.XXXXXX")"
chmod 755 "$WORK"            # the gateway may run as another user (see below)
ROOTFS=""                    # the current stage's /: $WORK/stages/<name>
mkdir -p "$WORK/stages" "$WORK/bin" "$WORK/tools" "$WORK/home-root" "$WORK/home-node"

# ---------------------------------------------------------------------------------
# 1. Read the Dockerfile into a plan: a list of shell function calls, one per step.
# ---------------------------------------------------------------------------------
node - "$DOCKERFILE" > "$WORK/plan.sh" <<'NODE'
const fs = require('node:fs');
const path = require('node:path');
const file = process.argv[2];
const die = (msg) => { process.stderr.write(`container-check: FAIL: Dockerfile: ${msg}\n`); process.exit(1); };
const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

// Logical lines: comments dropped, backslash continuations joined.
const logical = [];
let acc = null;
for (const raw of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
  if (/^\s*#/.test(raw)) continue;
  if (acc === null && raw.trim() === '') continue;
  const cont = /\\\s*$/.test(raw);
  const text = cont ? raw.replace(/\\\s*$/, '') : raw;
  acc = acc === null ? text.trimEnd() : `${acc} ${text.trim()}`;
  if (!cont) { logical.push(acc.trim()); acc = null; }
}
if (acc !== null) logical.push(acc.trim());

const globalArgs = {};
const stages = [];
for (const line of logical) {
  const m = /^(\w+)\s*(.*)$/s.exec(line);
  const instr = m[1].toUpperCase();
  const rest = m[2];
  if (instr === 'FROM') {
    const f = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest) || die(`cannot read FROM ${rest}`);
    const image = f[1].replace(/\$\{?(\w+)\}?/g, (_, v) => globalArgs[v] ?? die(`FROM uses unknown ARG ${v}`));
    stages.push({ image, name: f[2] ?? String(stages.length), lines: [] });
  } else if (stages.length === 0) {
    if (instr !== 'ARG') die(`${instr} before the first FROM`);
    const a = /^(\w+)(?:=(.*))?$/.exec(rest) || die(`cannot read ARG ${rest}`);
    globalArgs[a[1]] = a[2];
  } else {
    stages[stages.length - 1].lines.push({ instr, rest, line });
  }
}
if (stages.length === 0) die('no FROM');

const target = stages[stages.length - 1];
const workdirOf = (stage) => {
  let wd = '/';
  for (const { instr, rest } of stage.lines) if (instr === 'WORKDIR') wd = path.posix.resolve(wd, rest.trim());
  return wd;
};
const flagsOf = (rest) => {
  const flags = {};
  let r = rest;
  for (let f; (f = /^--([\w-]+)(?:=(\S*))?\s+/.exec(r)); r = r.slice(f[0].length)) flags[f[1]] = f[2] ?? true;
  return { flags, r };
};
const words = (s) => (s.trim().startsWith('[') ? JSON.parse(s) : s.trim().split(/\s+/));

const out = [];
out.push(`STAGE_NAME=${q(target.name)}`, `IMAGE=${q(target.image)}`);
// Only the runtime stage says how the container runs; an earlier stage only builds files.
const RUNTIME_ONLY = ['USER', 'EXPOSE', 'HEALTHCHECK', 'CMD'];
for (const [index, stage] of stages.entries()) {
  if (!/^[\w.-]+$/.test(stage.name)) die(`stage name ${stage.name} is not understood`);
  if (stage.image !== target.image) die(`stage ${stage.name} is FROM ${stage.image}, the runtime stage FROM ${target.image}: one base image is emulated`);
  out.push(`step_stage ${q(stage.name)}`);
  const vars = {};
  const subst = (s) => s.replace(/\$\{(\w+)\}|\$(\w+)/g, (all, a, b) => vars[a ?? b] ?? all);
  let workdir = '/';
  for (const { instr, rest, line } of stage.lines) {
    if (stage !== target && RUNTIME_ONLY.includes(instr)) continue;
    switch (instr) {
      case 'ARG': {
        const a = /^(\w+)(?:=(.*))?$/.exec(rest.trim()) || die(`cannot read ARG ${rest}`);
        const value = a[2] ?? globalArgs[a[1]];
        if (value === undefined) die(`ARG ${a[1]} has no value`);
        vars[a[1]] = value;
        out.push(`step_arg ${q(a[1])} ${q(value)}`);
        break;
      }
      case 'ENV': {
        const pairs = rest.match(/\w+=("[^"]*"|\S*)/g) || die(`only ENV KEY=VALUE is understood: ${line}`);
        for (const p of pairs) {
          const i = p.indexOf('=');
          const value = subst(p.slice(i + 1).replace(/^"(.*)"$/, '$1'));
          vars[p.slice(0, i)] = value;
          out.push(`step_env ${q(p.slice(0, i))} ${q(value)}`);
        }
        break;
      }
      case 'WORKDIR':
        workdir = path.posix.resolve(workdir, subst(rest.trim()));
        out.push(`step_workdir ${q(workdir)}`);
        break;
      case 'COPY': {
        const { flags, r } = flagsOf(rest);
        for (const f of Object.keys(flags)) if (!['from', 'chown', 'chmod', 'link'].includes(f)) die(`COPY --${f} is not understood: ${line}`);
        const parts = words(r).map(subst);
        if (parts.length < 2) die(`COPY needs a source and a destination: ${line}`);
        const dest = parts.pop();
        let srcs;
        if (flags.from) {
          const from = stages.slice(0, index).find((s) => s.name === flags.from) || die(`COPY --from=${flags.from}: no earlier stage of that name`);
          srcs = parts.map((s) => path.posix.resolve(workdirOf(from), s));
        } else {
          srcs = parts.map((s) => path.posix.normalize(s).replace(/^\/+/, ''));
        }
        for (const s of srcs) if (/[*?[]/.test(s)) die(`wildcards in COPY are not understood: ${line}`);
        out.push(`step_copy ${q(flags.from || 'context')} ${q(dest)} ${srcs.map(q).join(' ')}`);
        break;
      }
      case 'RUN':
        if (rest.trim().startsWith('[') || rest.trim().startsWith('--')) die(`only shell-form RUN without flags is understood: ${line}`);
        out.push(`step_run ${q(rest.trim())}`);
        break;
      case 'USER':
        out.push(`RUNTIME_USER=${q(rest.trim())}`);
        break;
      case 'EXPOSE':
        out.push(`EXPOSE_PORT=${q(rest.trim().split(/\s+/)[0].replace(/\/tcp$/, ''))}`);
        break;
      case 'HEALTHCHECK': {
        const { r } = flagsOf(rest);
        const c = /^CMD\s+(.*)$/is.exec(r) || die(`HEALTHCHECK without CMD: ${line}`);
        const cmd = c[1].trim().startsWith('[') ? JSON.parse(c[1]) : ['/bin/sh', '-c', c[1]];
        out.push(`HEALTHCHECK_CMD=(${cmd.map(q).join(' ')})`);
        break;
      }
      case 'CMD': {
        const cmd = rest.trim().startsWith('[') ? JSON.parse(rest) : ['/bin/sh', '-c', rest];
        out.push(`START_CMD=(${cmd.map(q).join(' ')})`);
        break;
      }
      case 'LABEL':
        break;
      default:
        die(`${instr} in stage ${stage.name} is not emulated by .ci/container-check.sh: ${line}`);
    }
  }
}
process.stdout.write(out.join('\n') + '\n');
NODE

# ---------------------------------------------------------------------------------
# 2. The tools the image has: Node of the same major version, npm at NPM_VERSION.
# ---------------------------------------------------------------------------------
NPM_VERSION="$(sed -n "s/^step_arg 'NPM_VERSION' '\(.*\)'$/\1/p" "$WORK/plan.sh" | tail -n 1)"
IMAGE="$(sed -n "s/^IMAGE='\(.*\)'$/\1/p" "$WORK/plan.sh")"
[[ -n "$NPM_VERSION" ]] || fail "the runtime stage declares no ARG NPM_VERSION"
image_major="$(sed -n 's/^node:\([0-9][0-9]*\).*/\1/p' <<<"$IMAGE")"
host_node="$(node --version)"
[[ -n "$image_major" ]] || fail "cannot tell the Node version of base image $IMAGE"
[[ "$host_node" == "v$image_major."* ]] \
  || fail "image $IMAGE runs Node $image_major, this machine has $host_node"
say "image $IMAGE (stage $(sed -n "s/^STAGE_NAME='\(.*\)'$/\1/p" "$WORK/plan.sh")); host node $host_node; npm $NPM_VERSION"

if ! npm install --prefix "$WORK/tools" --no-save --no-audit --no-fund --no-package-lock \
       --loglevel=error "npm@$NPM_VERSION" >"$WORK/tools.log" 2>&1; then
  cat "$WORK/tools.log" >&2
  fail "could not fetch npm@$NPM_VERSION"
fi
NODE_BIN="$(command -v node)"
printf '#!/bin/sh\nexec %q %q "$@"\n' "$NODE_BIN" "$WORK/tools/node_modules/npm/bin/npm-cli.js" >"$WORK/bin/npm"
printf '#!/bin/sh\nexec %q %q "$@"\n' "$NODE_BIN" "$WORK/tools/node_modules/npm/bin/npx-cli.js" >"$WORK/bin/npx"
chmod 755 "$WORK/bin/npm" "$WORK/bin/npx"
NODE_DIR="$(dirname "$NODE_BIN")"

# What reaches the registry from this machine (not part of the image's environment).
NET_ENV=()
for v in NODE_EXTRA_CA_CERTS HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy; do
  [[ -n "${!v:-}" ]] && NET_ENV+=("$v=${!v}")
done

# ---------------------------------------------------------------------------------
# 3. Replay the stage.
# ---------------------------------------------------------------------------------
BUILD_ARGS=()          # ARG values: seen by RUN, not by the running container
STAGE_ENV=()           # ENV values: seen by both
WORKDIR_IN_IMAGE="/"
RUNTIME_USER="root"
EXPOSE_PORT=""
HEALTHCHECK_CMD=()
START_CMD=()

in_rootfs() { # container path -> host path
  local p="$1"
  [[ "$p" == /* ]] || p="$WORKDIR_IN_IMAGE/$p"
  printf '%s%s' "$ROOTFS" "$(realpath -m "$p")"
}
step_stage() { # name: a new stage starts on an empty filesystem, with no ARG or ENV of the last
  ROOTFS="$WORK/stages/$1"; WORKDIR_IN_IMAGE="/"; BUILD_ARGS=(); STAGE_ENV=()
  [[ "$CHECK_ONLY" == 1 ]] || { mkdir -p "$ROOTFS"; say "stage $1"; }
}
step_arg() { BUILD_ARGS+=("$1=$2"); }
step_env() { STAGE_ENV+=("$1=$2"); }
step_workdir() { WORKDIR_IN_IMAGE="$1"; [[ "$CHECK_ONLY" == 1 ]] || mkdir -p "$(in_rootfs "$1")"; }
step_copy() { # from dest src...; from the repository (context: relative paths) or an earlier stage (absolute paths)
  local from="$1" dest="$2"; shift 2
  local to; to="$(in_rootfs "$dest")"
  local base="$REPO/" src
  [[ "$from" == context ]] || base="$WORK/stages/$from"
  # Only the repository's files exist before the replay; an earlier stage's are checked when copied.
  if [[ "$from" == context || "$CHECK_ONLY" == 0 ]]; then
    for src in "$@"; do
      [[ -e "$base$src" ]] && continue
      [[ "$from" == context ]] && fail "COPY source $src is not in the repository"
      fail "COPY --from=$from source $src is missing: stage $from did not make it"
    done
  fi
  [[ "$CHECK_ONLY" == 1 ]] && return 0
  if [[ "$from" == context ]]; then say "COPY $* -> $dest"; else say "COPY --from=$from $* -> $dest"; fi
  if [[ $# -gt 1 || "$dest" == */ ]]; then mkdir -p "$to"; fi
  for src in "$@"; do
    if [[ -d "$base$src" ]]; then
      mkdir -p "$to"; cp -R "$base$src/." "$to/"
    elif [[ -d "$to" ]]; then
      cp "$base$src" "$to/"
    else
      mkdir -p "$(dirname "$to")"; cp "$base$src" "$to"
    fi
  done
}
step_run() {
  [[ "$CHECK_ONLY" == 1 ]] && return 0
  say "RUN $1"
  local log="$WORK/run.$RANDOM.log"
  if ! (cd "$(in_rootfs "$WORKDIR_IN_IMAGE")" \
        && env -i PATH="$WORK/bin:$NODE_DIR:/usr/local/bin:/usr/bin:/bin" HOME="$WORK/home-root" \
             "${NET_ENV[@]}" "${BUILD_ARGS[@]}" "${STAGE_ENV[@]}" /bin/sh -c "$1") >"$log" 2>&1; then
    sed 's/^/    | /' "$log" >&2
    fail "RUN failed: $1"
  fi
  grep -v 'EBADENGINE' "$log" | grep -E '^(added|removed|changed|up to date)' | sed 's/^/    /' || true
  local engines
  engines="$({ grep -A1 'EBADENGINE.*package' "$log" || true; } | sed -n "s/.*package: '\(.*\)',.*/\1/p" | sort -u | tr '\n' ' ')"
  [[ -z "$engines" ]] || say "note: npm warns EBADENGINE, lockfile packages whose engines exclude Node $host_node: $engines"
}

# First pass: every COPY source must exist before anything is installed.
CHECK_ONLY=1
# shellcheck disable=SC1091
source "$WORK/plan.sh"
CHECK_ONLY=0
# shellcheck disable=SC1091
source "$WORK/plan.sh"

[[ ${#START_CMD[@]} -gt 0 ]] || fail "the runtime stage has no CMD"
[[ ${#HEALTHCHECK_CMD[@]} -gt 0 ]] || fail "the runtime stage has no HEALTHCHECK"
[[ "$RUNTIME_USER" != "root" && "$RUNTIME_USER" != "0" ]] || fail "the runtime stage runs as root"
APP_DIR="$(in_rootfs "$WORKDIR_IN_IMAGE")"

# Nothing above the temp folder may lend it modules.
d="$WORK"
while [[ "$d" != "/" ]]; do
  d="$(dirname "$d")"
  [[ ! -e "$d/node_modules" ]] || fail "$d/node_modules exists: the check would not be isolated"
done

# ---------------------------------------------------------------------------------
# 4. Start the CMD the way the container would.
# ---------------------------------------------------------------------------------
PORT="$(node -e "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
RUN_ENV=(
  PATH="$NODE_DIR:/usr/local/bin:/usr/bin:/bin"
  HOME="$WORK/home-node"
  "${STAGE_ENV[@]}"
  # docker run -e ...: what a production deployment must pass
  JWT_SECRET="container-check-secret-0123456789abcdef"
  ALLOWED_ORIGINS="https://app.example.com"
  PORT="$PORT"
)
# The image runs as $RUNTIME_USER, a user without write access to /app. As root here,
# run as nobody, which is as unprivileged; otherwise we already are not root.
AS_USER=()
if [[ "$(id -u)" == 0 ]]; then
  command -v setpriv >/dev/null || fail "running as root and setpriv is missing: cannot drop to a non-root user"
  AS_USER=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
  chown 65534:65534 "$WORK/home-node"
fi

resolved="$(cd "$APP_DIR/apps/gateway" && "${AS_USER[@]}" env -i "${RUN_ENV[@]}" \
  node --input-type=module -e "console.log(import.meta.resolve('@switchboard/protocol'))" 2>&1)" \
  || fail "@switchboard/protocol does not resolve from apps/gateway: $resolved"
say "@switchboard/protocol resolves to ${resolved#file://$ROOTFS}"
say "node_modules: $(du -sh "$APP_DIR/node_modules" | cut -f1)"

say "start: ${START_CMD[*]} (as $RUNTIME_USER -> uid $( [[ ${#AS_USER[@]} -gt 0 ]] && echo 65534 || id -u ), PORT=$PORT, NODE_ENV from the image)"
cd "$APP_DIR"
"${AS_USER[@]}" env -i "${RUN_ENV[@]}" "${START_CMD[@]}" >"$WORK/gateway.log" 2>&1 &
GATEWAY_PID=$!

show_log() { sed 's/^/    | /' "$WORK/gateway.log" | tail -n 40 >&2; }

probe() { # prints the HTTP status of GET /health, or 000
  node -e "fetch('http://127.0.0.1:$PORT/health',{signal:AbortSignal.timeout(2000)}).then(r=>console.log(r.status),()=>console.log('000'))"
}
deadline=$((SECONDS + WAIT_HEALTH_S))
status=000
while (( SECONDS < deadline )); do
  if ! kill -0 "$GATEWAY_PID" 2>/dev/null; then
    wait "$GATEWAY_PID" && code=0 || code=$?
    GATEWAY_PID=""
    show_log
    fail "the gateway exited with code $code before /health answered"
  fi
  status="$(probe)"
  [[ "$status" == 200 ]] && break
  sleep 0.5
done
[[ "$status" == 200 ]] || { show_log; fail "GET /health did not answer 200 within ${WAIT_HEALTH_S}s (last: $status)"; }
say "GET /health -> 200 after $((WAIT_HEALTH_S - (deadline - SECONDS)))s"

# ---------------------------------------------------------------------------------
# 5. The HEALTHCHECK command itself, with the container's environment.
# ---------------------------------------------------------------------------------
if ! "${AS_USER[@]}" env -i "${RUN_ENV[@]}" "${HEALTHCHECK_CMD[@]}" >"$WORK/hc.log" 2>&1; then
  cat "$WORK/hc.log" >&2
  fail "HEALTHCHECK command failed against the running gateway"
fi
say "HEALTHCHECK command -> exit 0"
CLOSED_PORT="$(node -e "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
if "${AS_USER[@]}" env -i "${RUN_ENV[@]}" PORT="$CLOSED_PORT" "${HEALTHCHECK_CMD[@]}" >/dev/null 2>&1; then
  fail "HEALTHCHECK command succeeds against a closed port: it does not probe anything"
fi
say "HEALTHCHECK command against a closed port -> non-zero, as it should"

# ---------------------------------------------------------------------------------
# 6. docker stop: SIGTERM, then the exit code.
# ---------------------------------------------------------------------------------
kill -TERM "$GATEWAY_PID"
deadline=$((SECONDS + WAIT_EXIT_S))
while kill -0 "$GATEWAY_PID" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.25; done
if kill -0 "$GATEWAY_PID" 2>/dev/null; then
  show_log
  fail "the gateway did not exit within ${WAIT_EXIT_S}s of SIGTERM"
fi
wait "$GATEWAY_PID" && code=0 || code=$?
GATEWAY_PID=""
[[ "$code" == 0 ]] || { show_log; fail "the gateway exited with code $code after SIGTERM (expected 0)"; }
say "SIGTERM -> exit 0"
grep -q '"msg":"gateway listening"' "$WORK/gateway.log" || { show_log; fail "no 'gateway listening' line in the log"; }
say "PASS"
