#!/usr/bin/env bash
# Language tests (see run.py for the case format).
exec python3 "$(dirname "$0")/run.py" "$@"
