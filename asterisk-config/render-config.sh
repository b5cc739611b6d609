#!/bin/sh
# Renders the *.template files of this folder into an Asterisk configuration directory,
# substituting ${VARIABLE} from the environment. Refuses when a variable is unset or empty, so no
# half-configured secret ever reaches Asterisk. The rendered files hold secrets: they are written
# with mode 0640 and must never be committed.
#
#   ARI_USER=controller ARI_PASSWORD='...' TRUNK_HOST=sip.carrier.example TRUNK_USERNAME=... \
#   TRUNK_PASSWORD='...' AGENT_1001_PASSWORD='...' AGENT_1002_PASSWORD='...' \
#     ./render-config.sh /etc/asterisk
set -eu
dest=${1:?usage: render-config.sh <asterisk config dir> [template ...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
[ "$#" -gt 0 ] || set -- "$here"/*.template

for template in "$@"; do
  name=$(basename "$template" .template)
  missing=""
  for var in $(grep -o '\${[A-Z0-9_]*}' "$template" | tr -d '${}' | sort -u); do
    eval "value=\${$var:-}"
    [ -n "$value" ] || missing="$missing $var"
  done
  if [ -n "$missing" ]; then
    echo "render-config: $name needs:$missing" >&2
    exit 1
  fi
  tmp=$(mktemp "$dest/.$name.XXXXXX")
  chmod 0640 "$tmp"
  # Substitute with awk (values may contain characters sed would treat specially).
  awk '{
    line = $0
    while (match(line, /\$\{[A-Z0-9_]+\}/)) {
      var = substr(line, RSTART + 2, RLENGTH - 3)
      line = substr(line, 1, RSTART - 1) ENVIRON[var] substr(line, RSTART + RLENGTH)
    }
    print line
  }' "$template" > "$tmp"
  mv "$tmp" "$dest/$name"
  echo "render-config: wrote $dest/$name"
done
