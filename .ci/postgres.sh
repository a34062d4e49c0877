# Source me (`. .ci/postgres.sh`): start a throwaway PostgreSQL on 127.0.0.1 for the archive
# tests and export BATCHKIT_TEST_POSTGRES_URL; `batchkit_postgres_stop` stops it.
#
# Uses Debian's `postgresql` package (installed here when missing: CI runs as root on a
# machine with only Python and Debian's packages).  The cluster is a fresh initdb in a
# temporary directory (fsync off, trust auth on loopback only), run as the `postgres` user
# when we are root -- never the machine's own cluster.  If no server can be started, it says
# why and exports nothing: the tests then skip, or fail under BATCHKIT_REQUIRE_POSTGRES=1.

batchkit_postgres_start() {
    local bin initdb pgdata port runas=()
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [ -z "$bin" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "postgres.sh: installing Debian's postgresql" >&2
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
            && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
                postgresql >/dev/null || true
        bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    fi
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
        echo "postgres.sh: no PostgreSQL server found (apt-get install postgresql)" >&2
        return 0
    fi
    pgdata="$(mktemp -d "${TMPDIR:-/tmp}/batchkit-pg.XXXXXX")"
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        chown postgres "$pgdata"
        runas=(runuser -u postgres --)
    fi
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    if ! "${runas[@]}" "$bin/initdb" -D "$pgdata/data" -U postgres -A trust --no-sync \
            >"$pgdata/initdb.log" 2>&1; then
        echo "postgres.sh: initdb failed:" >&2; tail -n 5 "$pgdata/initdb.log" >&2
        return 0
    fi
    if ! "${runas[@]}" "$bin/pg_ctl" -D "$pgdata/data" -l "$pgdata/server.log" -w -t 30 \
            -o "-p $port -k $pgdata -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
            start >/dev/null; then
        echo "postgres.sh: the server did not start:" >&2; tail -n 5 "$pgdata/server.log" >&2
        return 0
    fi
    "${runas[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres batchkit_test
    export BATCHKIT_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/batchkit_test"
    export BATCHKIT_POSTGRES_PGDATA="$pgdata"
    BATCHKIT_POSTGRES_STOP=("${runas[@]}" "$bin/pg_ctl" -D "$pgdata/data" -m fast -w stop)
    echo "postgres.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') at $BATCHKIT_TEST_POSTGRES_URL" >&2
}

batchkit_postgres_stop() {
    if [ -n "${BATCHKIT_POSTGRES_PGDATA:-}" ]; then
        "${BATCHKIT_POSTGRES_STOP[@]}" >/dev/null 2>&1 || true
        rm -rf "$BATCHKIT_POSTGRES_PGDATA"
        unset BATCHKIT_POSTGRES_PGDATA BATCHKIT_TEST_POSTGRES_URL
    fi
}

batchkit_postgres_start
