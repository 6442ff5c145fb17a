#!/bin/sh
# Fixture entrypoint: hands everything to the program.
exec safe-synthesizer "$@"
