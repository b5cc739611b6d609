#!/usr/bin/env bash
# Starts the local services the controller and its tests need, when they are installed but down:
# Redis and MariaDB. Used by .ci/run and by the demo on a development machine. Idempotent.
set -u

wait_for() { # name, command, seconds
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    if eval "$2" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "services: $1 did not come up within $3 s" >&2
  return 1
}

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "services: starting redis"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
    wait_for redis "redis-cli -h 127.0.0.1 -p 6379 ping" 20 || exit 1
  else
    echo "services: redis is not running and redis-server is not installed (apt-get install redis-server)" >&2
    exit 1
  fi
fi

if ! mysqladmin -h 127.0.0.1 -P 3306 -uroot ping >/dev/null 2>&1; then
  if [ -x /usr/sbin/mariadbd ]; then
    echo "services: starting mariadb"
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    wait_for mariadb "mysqladmin -h 127.0.0.1 -P 3306 -uroot ping" 60 || exit 1
  else
    echo "services: MariaDB is not running and not installed (apt-get install mariadb-server)" >&2
    exit 1
  fi
fi
echo "services: redis and mariadb are up"
