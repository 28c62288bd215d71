#!/bin/sh
# Vigil compose-restart: restarts docker compose services on a host, in order, each waited for
# until healthy (or running, without a healthcheck) before the next: "restart PostgreSQL first,
# then the app" (runbook madef-home-care §7.2/§7.3: `docker compose restart postgres`, wait, then
# `docker compose restart app`). Runs after common.sh.
#
# Parameters (set before this text):
#   DIRECTORY                the compose project directory, e.g. /opt/madef
#   SERVICES                 services, space-separated, in restart order, e.g. "postgres app"
#   COMPOSE                  v2 (`docker compose`) or v1 (`docker-compose`)
#   HEALTHY_TIMEOUT_SECONDS  seconds each service may take to be ready

need DIRECTORY SERVICES COMPOSE HEALTHY_TIMEOUT_SECONDS
case $COMPOSE in
  v1 | v2) ;;
  *) fail 2 "COMPOSE must be v1 or v2, got $COMPOSE" ;;
esac
is_seconds "$HEALTHY_TIMEOUT_SECONDS" || fail 2 "HEALTHY_TIMEOUT_SECONDS must be whole seconds, got $HEALTHY_TIMEOUT_SECONDS"
cd "$DIRECTORY" 2>/dev/null || fail 2 "cannot cd to $DIRECTORY: no such directory, or not readable"

say "compose-restart in $DIRECTORY: $SERVICES"
for svc in $SERVICES; do
  run "$svc" compose restart "$svc"
  wait_ready service "$svc" "$HEALTHY_TIMEOUT_SECONDS"
done
say "compose-restart done: $SERVICES"
