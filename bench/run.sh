#!/usr/bin/env bash
# nssimg overhead benchmark. Prints ratios measured within one run, each as the
# median (min-max) over ROUNDS interleaved rounds, so machine noise cancels:
#   (a) nssimg build --dry-run        vs  docker buildx version           target <= 3.0
#   (b) fully cached rebuild through nssimg vs the same argv run directly  target <= 1.10
#   (c) split multi-arch build        vs  the single-call build (fresh)   target <= 1.2
#   (d) peak RSS of nssimg (client + daemon) while it drives a build      target <= 150 MiB
# Needs the test bed (it starts it); ROUNDS=N (default 7) sets the rounds, ROUNDS_B those of (b)
# (default 3 x ROUNDS: its signal is the smallest).
# bench/run.sh --scale instead measures how time, disk, memory and a code change's bytes grow with
# the image (bench/scale.py: the real Dockerfile offline, PAYLOADS="10M 500M 2G" per platform; ROUNDS=N
# repeats the timed split/single pair, alternating which goes first).
# bench/run.sh --tricks instead measures each start-up trick on and off, cold and through the
# daemon (bench/tricks.py; ROUNDS defaults to 15 there).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
[[ -f target/nssimg.jar ]] || mvn -q -B -DskipTests package
scripts/testbed up >&2
eval "$(scripts/testbed env)"
export DOCKER_HOST
if [[ ${1:-} == --scale ]]; then
  shift
  scripts/offline-context >/dev/null
  exec python3 bench/scale.py "$@"
fi
if [[ ${1:-} == --tricks ]]; then
  shift
  exec python3 bench/tricks.py "$@"
fi
exec python3 bench/bench.py "$@"
