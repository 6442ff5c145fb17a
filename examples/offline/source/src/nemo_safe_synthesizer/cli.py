# TEST SCAFFOLDING: the stand-in Safe Synthesizer program of the offline
# profile's source tree (examples/offline/README.md). The stand-in uv installs
# it as the package nemo_safe_synthesizer with the console script
# safe-synthesizer; the stand-in interpreter runs this file with sh. It only
# lets nssimg's build, smoke and run paths run without a GPU or the internet.
usage() {
  cat <<'TXT'
usage: safe-synthesizer [--help] [--version] COMMAND [ARGS]

Stand-in for NeMo Safe Synthesizer (offline test bed).

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
  --version) echo "safe-synthesizer 0.0.0 (offline stand-in)" ;;
  config) [ "${2:-}" = validate ] || { echo "safe-synthesizer: unknown config command: ${2:-}" >&2; exit 2; }
    echo "config ok" ;;
  exit) exit "${2:-0}" ;;
  sleep) sleep "${2:-1}" ;;
  env) echo "uid=$(id -u)"; echo "arch=$(uname -m)"; echo "HF_HOME=${HF_HOME:-}"; echo "workspace:"; ls -A /workspace ;;
  read) IFS= read -r line; echo "read: $line" ;;
  *) echo "safe-synthesizer: unknown command: $1 (try --help)" >&2; exit 2 ;;
esac
