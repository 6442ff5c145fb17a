#!/bin/sh
# Example application for the hermetic image. It stands in for the real
# safe-synthesizer CLI so that nssimg's build, smoke and run paths can be
# exercised without a GPU or the internet. It is nothing more than that.
usage() {
  cat <<'TXT'
usage: safe-synthesizer [--help] [--version] COMMAND [ARGS]

Example stand-in for NeMo Safe Synthesizer.

commands:
  config validate [FILE]  check a configuration file (always succeeds here)
  exit N                  exit with status N
  sleep SECONDS           sleep, then exit 0
  env                     print uid, machine, HF_HOME and the workspace listing
  read                    read one line from stdin and print it
TXT
}
case ${1:-} in
  "" | -h | --help) usage ;;
  --version) echo "safe-synthesizer 0.0.0 (hermetic example)" ;;
  config) [ "${2:-}" = validate ] || { echo "safe-synthesizer: unknown config command: ${2:-}" >&2; exit 2; }
    echo "config ok" ;;
  exit) exit "${2:-0}" ;;
  sleep) sleep "${2:-1}" ;;
  env) echo "uid=$(id -u)"; echo "arch=$(uname -m)"; echo "HF_HOME=${HF_HOME:-}"; echo "workspace:"; ls -A /workspace ;;
  read) IFS= read -r line; echo "read: $line" ;;
  *) echo "safe-synthesizer: unknown command: $1 (try --help)" >&2; exit 2 ;;
esac
