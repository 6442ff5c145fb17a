#!/bin/sh
# Test fixture entrypoint: hands the arguments to the CLI.
exec safe-synthesizer "$@"
