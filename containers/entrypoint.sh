#!/bin/bash
# Wrapper entrypoint of the Safe Synthesizer runtime image.
#
# Looks for the usual container mistakes, prints a hint for each on stderr,
# then replaces itself with safe-synthesizer so that signals and the exit code
# pass straight through (tini is PID 1 and forwards signals to us).
#
# Nothing here writes to stdout, and nothing here stops the program: the hints
# are advice. Set NSS_ENTRYPOINT_CHECKS=0 to turn all checks off.
#
# Tunables (for tests and unusual layouts):
#   NSS_WORKSPACE            directory users mount their data into (/workspace)
#   NSS_MIN_SHM_MB           smallest /dev/shm that passes (256)
#   NSS_PROGRAM              program to exec (safe-synthesizer)

set -u

workspace=${NSS_WORKSPACE:-/workspace}
min_shm_mb=${NSS_MIN_SHM_MB:-256}
program=${NSS_PROGRAM:-safe-synthesizer}

hint() {
  printf 'nss-entrypoint: hint: %s\n' "$*" >&2
}

# True when the arguments only ask for help, a version or a config check:
# those need no GPU, data or models, so no check runs.
is_offline_command() {
  local arg
  for arg in "$@"; do
    case $arg in
      --) break ;;
      -h | --help | --version) return 0 ;;
    esac
  done
  [[ ${1:-} == config && ${2:-} == validate ]]
}

check_workspace() {
  if [[ ! -d $workspace ]]; then
    hint "$workspace does not exist; mount your data with -v \"\$PWD\":$workspace"
  elif [[ ! -r $workspace || ! -x $workspace ]]; then
    hint "$workspace is not readable by uid $(id -u); make the mounted directory readable (chmod o+rx) or run with --user \$(id -u):\$(id -g)"
  elif [[ -z $(ls -A "$workspace" 2>/dev/null) ]]; then
    hint "$workspace is empty; did you forget -v \"\$PWD\":$workspace ?"
  fi
}

check_hf_home() {
  if [[ -z ${HF_HOME:-} ]]; then
    hint "HF_HOME is not set; models download to a temporary location and are lost on exit (mount a cache and pass -e HF_HOME=$workspace/.hf_cache)"
  elif [[ ! -d $HF_HOME ]]; then
    hint "HF_HOME=$HF_HOME does not exist; models would be lost on exit (mount your Hugging Face cache there)"
  elif [[ ! -w $HF_HOME ]]; then
    hint "HF_HOME=$HF_HOME is not writable by uid $(id -u); fix the host directory's owner or run with --user \$(id -u):\$(id -g)"
  fi
}

check_hf_token() {
  [[ -n ${HF_TOKEN:-} ]] && return
  local token_file=${HF_TOKEN_PATH:-${HF_HOME:-${HOME:-/root}/.cache/huggingface}/token}
  [[ -s $token_file ]] && return
  hint "HF_TOKEN is not set and there is no cached token at $token_file; gated models will fail to download (pass -e HF_TOKEN)"
}

check_gpu() {
  command -v nvidia-smi >/dev/null 2>&1 && return
  hint "nvidia-smi not found; did you forget --gpus all ?"
}

check_shm() {
  local kib
  kib=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $2 }')
  [[ $kib =~ ^[0-9]+$ ]] || return
  if ((kib < min_shm_mb * 1024)); then
    hint "/dev/shm is $((kib / 1024)) MB, below ${min_shm_mb} MB; multi-worker data loading will crash with \"Bus error\" (pass --shm-size=1g)"
  fi
}

case ${NSS_ENTRYPOINT_CHECKS:-1} in
  0 | false | no | off) ;;
  *)
    if ! is_offline_command "$@"; then
      check_workspace
      check_hf_home
      check_hf_token
      check_gpu
      check_shm
    fi
    ;;
esac

exec "$program" "$@"
