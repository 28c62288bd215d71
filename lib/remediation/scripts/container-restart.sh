#!/bin/sh
# Vigil container-restart: restarts a plain `docker run` container by name and waits until it is
# healthy, or running without a healthcheck (runbook nutri, "Restart affected service":
# `docker restart nutri-backend`). Runs after common.sh.
#
# Parameters (set before this text):
#   CONTAINER                the container's name, e.g. nutri-backend
#   HEALTHY_TIMEOUT_SECONDS  seconds it may take to be ready

need CONTAINER HEALTHY_TIMEOUT_SECONDS
is_seconds "$HEALTHY_TIMEOUT_SECONDS" || fail 2 "HEALTHY_TIMEOUT_SECONDS must be whole seconds, got $HEALTHY_TIMEOUT_SECONDS"

run "$CONTAINER" docker restart "$CONTAINER"
wait_ready container "$CONTAINER" "$HEALTHY_TIMEOUT_SECONDS"
say "container-restart done: $CONTAINER"
