#!/bin/sh
# Vigil compose-rollback: puts a compose host back on its previous release, then brings the
# services up in order, each waited for until healthy (runbook madef-home-care §2: "git checkout
# <previous-commit-hash>", "docker compose build app && docker compose up -d app"; for an image
# deploy, the previous image tag written into the env file). Refuses, changing nothing, when there
# is no previous release. Runs after common.sh.
#
# Parameters (set before this text):
#   DIRECTORY, SERVICES, COMPOSE, HEALTHY_TIMEOUT_SECONDS   as for compose-restart
#   RELEASE_KIND  git: the previous release is in the git checkout in DIRECTORY
#                 image-tag: it is the previous line of RELEASE_LOG
#   GIT_REF       (git) tag: the previous tag, `git describe --tags --abbrev=0 HEAD^`;
#                 commit: the previous commit, HEAD~1. Services come up with --build.
#   RELEASE_LOG   (image-tag) one image tag a line, newest last, appended by the deploy
#   ENV_FILE      (image-tag) the env file compose reads, relative to DIRECTORY, e.g. .env
#   VARIABLE      (image-tag) the variable holding the tag in ENV_FILE, e.g. APP_IMAGE_TAG
#
# The previous release is found from what is deployed now (HEAD, or the tag in ENV_FILE), so a
# second rollback goes one release further back. A marker line is appended to
# DIRECTORY/.vigil-releases (see mark in common.sh) once the release is switched.

need DIRECTORY SERVICES COMPOSE HEALTHY_TIMEOUT_SECONDS RELEASE_KIND
case $COMPOSE in
  v1 | v2) ;;
  *) fail 2 "COMPOSE must be v1 or v2, got $COMPOSE" ;;
esac
is_seconds "$HEALTHY_TIMEOUT_SECONDS" || fail 2 "HEALTHY_TIMEOUT_SECONDS must be whole seconds, got $HEALTHY_TIMEOUT_SECONDS"
cd "$DIRECTORY" 2>/dev/null || fail 2 "cannot cd to $DIRECTORY: no such directory, or not readable"

case $RELEASE_KIND in
  git)
    need GIT_REF
    # Run Command runs as root and the checkout belongs to the deploy user: without this, git
    # refuses the directory ("detected dubious ownership").
    set -- git -c "safe.directory=$DIRECTORY"
    current=$("$@" describe --tags --always HEAD 2>&1) || fail 3 "$DIRECTORY is not a git checkout: $current"
    case $GIT_REF in
      tag)
        previous=$("$@" describe --tags --abbrev=0 'HEAD^' 2>/dev/null) ||
          fail 5 "no previous release: no tag before HEAD ($current) in $DIRECTORY; nothing was changed"
        ;;
      commit)
        previous=$("$@" rev-parse --verify --quiet 'HEAD~1') ||
          fail 5 "no previous release: HEAD ($current) has no parent commit in $DIRECTORY; nothing was changed"
        ;;
      *) fail 2 "GIT_REF must be tag or commit, got $GIT_REF" ;;
    esac
    say "rolling back $DIRECTORY from $current to $previous"
    run checkout "$@" checkout --quiet "$previous"
    up_build=--build
    ;;
  image-tag)
    need RELEASE_LOG ENV_FILE VARIABLE
    case $VARIABLE in
      [A-Za-z_]*) ;;
      *) fail 2 "VARIABLE must be an environment variable name, got $VARIABLE" ;;
    esac
    [ -r "$RELEASE_LOG" ] || fail 5 "no previous release: the release log $RELEASE_LOG does not exist; nothing was changed"
    [ -f "$ENV_FILE" ] || fail 2 "the env file $ENV_FILE does not exist in $DIRECTORY"
    current=$(sed -n "s/^$VARIABLE=//p" "$ENV_FILE" | tail -n 1 | tr -d "\"' \r")
    previous=$(previous_line "$RELEASE_LOG" "$current")
    [ -n "$previous" ] ||
      fail 5 "no previous release: $RELEASE_LOG has no tag before ${current:-the last one}; nothing was changed"
    is_tag "$previous" || fail 5 "the previous line of $RELEASE_LOG is not an image tag: $previous"
    say "rolling back $DIRECTORY from ${current:-unknown} to $previous ($VARIABLE in $ENV_FILE)"
    # Rewrite in place (not mv) so the env file keeps its owner and mode: it often holds secrets.
    tmp="$ENV_FILE.vigil-tmp"
    (umask 077 && awk -v k="$VARIABLE" -v v="$previous" '
      index($0, k "=") == 1 { if (!done) print k "=" v; done = 1; next }
      { print }
      END { if (!done) print k "=" v }' "$ENV_FILE" >"$tmp") || fail 3 "could not write $tmp"
    cat "$tmp" >"$ENV_FILE" || fail 3 "could not write $ENV_FILE"
    rm -f "$tmp"
    up_build=''
    ;;
  *) fail 2 "RELEASE_KIND must be git or image-tag, got $RELEASE_KIND" ;;
esac
mark "$DIRECTORY/.vigil-releases" "compose $SERVICES" "${current:-unknown}" "$previous"

for svc in $SERVICES; do
  # $up_build is empty or one word: unquoted on purpose, so an empty one adds no argument.
  run "$svc" compose up -d $up_build "$svc"
  wait_ready service "$svc" "$HEALTHY_TIMEOUT_SECONDS"
done
say "compose-rollback done: $SERVICES on $previous"
