#!/bin/sh
# As the official alpine image's: `docker run nats:2.12-alpine -js …` runs nats-server with those arguments.
set -e
if [ "${1#-}" != "$1" ]; then set -- nats-server "$@"; fi
exec "$@"
