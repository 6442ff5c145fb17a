#!/bin/sh
# The files that one `uv sync` added to a venv, for the layer design of
# containers/Dockerfile.cuda. With UV_COMPILE_BYTECODE=1, uv recompiles the
# .pyc files of every package in the venv after each sync, so copying the
# whole venv after installing the project would ship every package's
# bytecode (gigabytes on the real image) as new again. The Dockerfile
# instead copies only the distributions a sync installed:
#
#   sh venv-files.sh mark VENV        before the sync: note VENV's distributions
#   sh venv-files.sh copy VENV OUT    after it: copy into OUT (same paths,
#                                     relative to VENV) every file of each
#                                     distribution installed since `mark`: its
#                                     dist-info, each file its RECORD lists
#                                     (package files, console scripts in bin/)
#                                     and the __pycache__/*.pyc of its .py files
#
# OUT is then copied over VENV in another stage. POSIX sh, cp, find and sed:
# it runs on the Ubuntu base and on busybox alike.
set -eu
mark=/tmp/nss-venv-files.mark
dists() { find "$1/lib" -mindepth 3 -maxdepth 3 -type d -name '*.dist-info' | sort; }
case ${1:-} in
  mark)
    dists "${2:?usage: venv-files.sh mark VENV}" >"$mark" ;;
  copy)
    venv=${2:?usage: venv-files.sh copy VENV OUT}
    out=${3:?usage: venv-files.sh copy VENV OUT}
    [ -f "$mark" ] || { echo "venv-files.sh: run 'mark $venv' before the sync" >&2; exit 2; }
    mkdir -p "$out"
    n=0
    put() { # an absolute path under $venv
      rel=${1#"$venv"/}
      mkdir -p "$out/$(dirname "$rel")"
      cp -a "$1" "$out/$rel"
      n=$((n + 1))
    }
    for d in $(dists "$venv"); do
      grep -qxF "$d" "$mark" && continue
      site=$(dirname "$d")
      while IFS= read -r line; do
        path=${line%%,*}
        [ -n "$path" ] || continue
        dir=$(cd "$site/$(dirname "$path")" 2>/dev/null && pwd) || continue
        file=$dir/$(basename "$path")
        case $file in "$venv"/*) ;; *) echo "venv-files.sh: skipping $path (outside $venv)" >&2; continue ;; esac
        [ -e "$file" ] || [ -L "$file" ] || continue
        put "$file"
        case $file in
          *.py)
            stem=$(basename "$file" .py)
            for pyc in "$dir/__pycache__/$stem".*.pyc; do [ -e "$pyc" ] && put "$pyc"; done ;;
        esac
      done <"$d/RECORD"
      for f in "$d"/*; do put "$f"; done
    done
    rm -f "$mark"
    echo "venv-files.sh: $n files of the distributions this sync installed, in $out" ;;
  *) echo "usage: venv-files.sh mark VENV | copy VENV OUT" >&2; exit 2 ;;
esac
