#!/bin/sh
# Same behaviour as the public node image's entrypoint: if the first argument
# is an option (-e ...) or not a command on PATH (server.js), run it with node.
set -e
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
