#!/bin/sh
# /usr/local/bin/linli: a Linli management command as the linli user, with the services' environment.
#   install -m 0755 /opt/linli/deploy/linli.sh /usr/local/bin/linli
#   linli migrate | linli createsuperuser | linli check --deploy | linli backup | linli restore ARCHIVE …
set -eu
ENV_FILE=${LINLI_ENV_FILE:-/etc/linli/linli.env}
VENV=${LINLI_VENV:-/opt/linli/venv}
if [ "$(id -u)" -ne 0 ]; then
    echo "run as root (it reads $ENV_FILE and switches to the linli user)" >&2
    exit 1
fi
set -a
. "$ENV_FILE"
set +a
cd /var/lib/linli
exec runuser -u linli -- "$VENV/bin/linli" "$@"
