#!/bin/sh
# Vigil container-rollback: re-runs a plain `docker run` container on its previous image tag, then
# waits until it is healthy, or running without a healthcheck (runbook nutri, "Rollback
# Deployment / Via Docker": pull the previous image, stop the container, run the old image).
# Pulls first, so a tag that cannot be pulled leaves the running container alone. Refuses,
# changing nothing, when there is no previous release. Runs after common.sh.
#
# Parameters (set before this text):
#   CONTAINER    the container's name, e.g. nutri-backend
#   IMAGE        the image repository, e.g. ghcr.io/acme/nutri-backend
#   RUN_ARGS     `docker run` arguments other than the image, e.g. "-d --name nutri-backend -p 8000:8000"
#   RELEASE_LOG  one image tag a line, newest last, appended by the deploy
#   HEALTHY_TIMEOUT_SECONDS
#
# The previous tag is the one before the tag the container runs now (or before the last line),
# so a second rollback goes one release further back. A marker line is appended to
# .vigil-releases beside RELEASE_LOG (see mark in common.sh) once the container is replaced.

need CONTAINER IMAGE RUN_ARGS RELEASE_LOG HEALTHY_TIMEOUT_SECONDS
is_seconds "$HEALTHY_TIMEOUT_SECONDS" || fail 2 "HEALTHY_TIMEOUT_SECONDS must be whole seconds, got $HEALTHY_TIMEOUT_SECONDS"
[ -r "$RELEASE_LOG" ] || fail 5 "no previous release: the release log $RELEASE_LOG does not exist; nothing was changed"

running=$(docker inspect --format "$IMAGE_FORMAT" "$CONTAINER" 2>/dev/null) || running=''
current=''
case $running in
  "$IMAGE":*) current=${running#"$IMAGE":} ;;
esac
previous=$(previous_line "$RELEASE_LOG" "$current")
[ -n "$previous" ] ||
  fail 5 "no previous release: $RELEASE_LOG has no tag before ${current:-the last one}; nothing was changed"
is_tag "$previous" || fail 5 "the previous line of $RELEASE_LOG is not an image tag: $previous"
say "rolling back $CONTAINER from ${current:-unknown} to $previous"

run pull docker pull "$IMAGE:$previous"
run "$CONTAINER" docker rm -f "$CONTAINER"
# RUN_ARGS is several words by design; no globbing of them.
set -f
# shellcheck disable=SC2086
run "$CONTAINER" docker run $RUN_ARGS "$IMAGE:$previous"
set +f
mark "${RELEASE_LOG%/*}/.vigil-releases" "container $CONTAINER" "${current:-unknown}" "$previous"
wait_ready container "$CONTAINER" "$HEALTHY_TIMEOUT_SECONDS"
say "container-rollback done: $CONTAINER on $IMAGE:$previous"
