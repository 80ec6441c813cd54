# shellcheck shell=bash
# Picks a JDK >= 21 for the build and the services and exports JAVA_HOME.
# Order: $JAVA_HOME if it is >= 21, Temurin 25 (team decision), then any JDK >= 21 under /usr/lib/jvm.
# Prints a clear error and returns 1 when none is found.

tenantry_jdk_major() { # <java_home> -> major version on stdout
  local rel="$1/release" v
  [ -x "$1/bin/java" ] || return 1
  if [ -f "$rel" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel")
  else
    v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  fi
  [ -n "$v" ] && echo "$v"
}

tenantry_select_jdk() {
  local c m
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$c" ] && [ -d "$c" ] || continue
    m=$(tenantry_jdk_major "$c") || continue
    if [ "$m" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$c"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "ERROR: no JDK >= 21 found (looked at \$JAVA_HOME, /usr/lib/jvm/temurin-25-jdk-amd64, /usr/lib/jvm/*)." >&2
  echo "       Install one (e.g. Temurin 21 or 25) and set JAVA_HOME to it." >&2
  return 1
}
