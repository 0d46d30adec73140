# shellcheck shell=bash
# Helpers shared by scripts/run, scripts/test and scripts/bench. Source it; don't run it.

# Every package named up front: a missing one found later (libmariadb-dev-compat) would rebuild diesel.
RUN_PACKAGES=(mariadb-server mariadb-client libmariadb-dev libmariadb-dev-compat pkg-config libssl-dev gcc)
TEST_PACKAGES=(chromium chromium-driver zbar-tools librsvg2-bin fonts-noto-cjk)
# scripts/cluster: Galera replication, mariabackup SST (with socat), the load balancer.
CLUSTER_PACKAGES=(galera-4 mariadb-backup socat haproxy)

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# env_file_value KEY [FILE]: print KEY's value from a dotenv file (last one wins), or nothing.
env_file_value() {
    local key=$1 file=${2:-.env} line value=
    [[ -f $file ]] || return 0
    while IFS= read -r line || [[ -n $line ]]; do
        line=${line#"${line%%[![:space:]]*}"}
        line=${line#export }
        [[ $line == "$key="* ]] || continue
        value=${line#"$key="}
        value=${value%$'\r'}
        if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then value=${BASH_REMATCH[1]}; fi
    done <"$file"
    printf '%s' "$value"
}

# ensure_packages [--test] [--cluster]: install missing system packages (root) or say how
# (non-root); check Rust.
# shellcheck disable=SC2120 # the arguments are optional
ensure_packages() {
    local pkgs=("${RUN_PACKAGES[@]}") missing=() pkg arg test=0
    for arg; do
        case $arg in
        --test) test=1 pkgs+=("${TEST_PACKAGES[@]}") ;;
        --cluster) pkgs+=("${CLUSTER_PACKAGES[@]}") ;;
        esac
    done
    if command -v dpkg-query >/dev/null; then
        for pkg in "${pkgs[@]}"; do
            dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
        done
    else
        say "no dpkg here: make sure these (or your system's equivalents) are installed: ${pkgs[*]}"
    fi
    if ((${#missing[@]})); then
        if ((EUID != 0)); then
            printf 'Missing system packages. Install them with:\n\n  sudo apt-get update && sudo apt-get install -y --no-install-recommends %s\n\n' \
                "${missing[*]}" >&2
            exit 1
        fi
        say "installing: ${missing[*]} (quietly; apt's log goes to ${TMPDIR:-/tmp}/shopcounter-apt.log)"
        local log=${TMPDIR:-/tmp}/shopcounter-apt.log
        { apt-get update -qq &&
            DEBIAN_FRONTEND=noninteractive apt-get install -qq -y --no-install-recommends \
                -o Dpkg::Use-Pty=0 "${missing[@]}"; } >"$log" 2>&1 ||
            { tail -n 30 "$log" >&2; die "installing packages failed (log: $log)"; }
    fi

    if ! command -v cargo >/dev/null && [[ -x $HOME/.cargo/bin/cargo ]]; then
        PATH=$HOME/.cargo/bin:$PATH
    fi
    if ! command -v cargo >/dev/null; then
        printf 'Rust (cargo) is not installed. Install it with rustup, then open a new shell:\n\n  %s\n\n' \
            "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y" >&2
        exit 1
    fi
    if ((test)) && ! { cargo fmt --version && cargo clippy --version; } >/dev/null 2>&1; then
        printf 'cargo fmt/clippy are missing. Install them with:\n\n  rustup component add rustfmt clippy\n\n' >&2
        exit 1
    fi
}

# _find_bin NAME...: path of the first NAME found in PATH or the usual sbin/libexec directories.
_find_bin() {
    local name dir
    for name; do
        command -v "$name" && return 0
        for dir in /usr/sbin /usr/local/sbin /usr/libexec; do
            [[ -x $dir/$name ]] && { echo "$dir/$name"; return 0; }
        done
    done
    die "cannot find $* (is mariadb-server installed?)"
}

# _port_busy PORT: true when something listens on PORT (or 127.0.0.1:PORT accepts connections).
_port_busy() {
    if command -v ss >/dev/null && [[ -n $(ss -Hltn "sport = :$1" 2>/dev/null) ]]; then return 0; fi
    (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

_pick_port() {
    local port tries
    port=$(cat "$PRIVATE_MARIADB_DIR/port" 2>/dev/null || true)
    if [[ $port =~ ^[0-9]+$ ]] && ! _port_busy "$port"; then echo "$port"; return 0; fi
    for ((tries = 0; tries < 100; tries++)); do
        port=$((20000 + RANDOM % 20001))
        _port_busy "$port" || { echo "$port"; return 0; }
    done
    die "no free TCP port found in 20000-40000"
}

# _mdb_root: run the SQL on stdin as root over the private server's socket.
_mdb_root() { "$_MDB_CLIENT" --no-defaults --socket="$PRIVATE_MARIADB_SOCKET" -uroot; }

_mdb_ping() {
    "$_MDB_ADMIN" --no-defaults --socket="$PRIVATE_MARIADB_SOCKET" -uroot --connect-timeout=2 ping >/dev/null 2>&1
}

# _mdb_pid: pid of the live server owning this directory, or fail.
_mdb_pid() {
    local pid
    pid=$(cat "$PRIVATE_MARIADB_DIR/mariadb.pid" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
        grep -qaF -- "--datadir=$PRIVATE_MARIADB_DIR/data" "/proc/$pid/cmdline" 2>/dev/null &&
        echo "$pid"
}

_mdb_vars() {
    _MDB_SERVER=$(_find_bin mariadbd mysqld) || exit 1
    _MDB_CLIENT=$(_find_bin mariadb mysql) || exit 1
    _MDB_ADMIN=$(_find_bin mariadb-admin mysqladmin) || exit 1
    _MDB_INSTALL=$(_find_bin mariadb-install-db mysql_install_db) || exit 1
    mkdir -p "$1"
    PRIVATE_MARIADB_DIR=$(cd "$1" && pwd -P)
    PRIVATE_MARIADB_SOCKET=$PRIVATE_MARIADB_DIR/mariadb.sock
    # unix socket paths are limited to ~107 bytes; fall back to a short, per-directory path.
    if ((${#PRIVATE_MARIADB_SOCKET} > 100)); then
        PRIVATE_MARIADB_SOCKET=/tmp/shopcounter-$(printf %s "$PRIVATE_MARIADB_DIR" | cksum | cut -d' ' -f1).sock
    fi
    export PRIVATE_MARIADB_DIR PRIVATE_MARIADB_SOCKET
}

_mdb_fail() {
    printf 'error: %s. Last lines of %s:\n' "$1" "$PRIVATE_MARIADB_DIR/error.log" >&2
    tail -n 30 "$PRIVATE_MARIADB_DIR/error.log" >&2 || true
    exit 1
}

# _mdb_launch PORT [EXTRA...]: start mariadbd in the background and wait until it answers.
# Returns 2 if the port was taken meanwhile (caller retries), exits on other failures.
_mdb_launch() {
    local port=$1 dir=$PRIVATE_MARIADB_DIR i
    shift
    local args=(--no-defaults --datadir="$dir/data" --socket="$PRIVATE_MARIADB_SOCKET"
        --pid-file="$dir/mariadb.pid" --log-error="$dir/error.log"
        --port="$port" --bind-address=127.0.0.1 --skip-name-resolve
        --innodb-buffer-pool-size=256M --max-connections=1000
        --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci)
    ((EUID == 0)) && args+=(--user="$(whoami)")
    [[ -f $dir/error.log ]] && mv -f "$dir/error.log" "$dir/error.log.1"
    rm -f "$dir/mariadb.pid"
    # setsid: the server must not receive the terminal's Ctrl-C; our traps shut it down cleanly.
    setsid "$_MDB_SERVER" "${args[@]}" "$@" </dev/null >>"$dir/error.log" 2>&1 &
    local launcher=$!
    for ((i = 0; i < 60; i++)); do
        _mdb_ping && return 0
        if ! kill -0 "$launcher" 2>/dev/null && ! _mdb_pid >/dev/null; then
            grep -qE 'Address already in use|Bind on TCP/IP port' "$dir/error.log" && return 2
            _mdb_fail "private MariaDB in $dir exited during start-up"
        fi
        sleep 0.5
    done
    _mdb_fail "private MariaDB in $dir did not answer within 30 s"
}

# start_private_mariadb DIR [EXTRA_MARIADBD_ARGS...]
# Starts (or reuses) a MariaDB whose data, socket and pid file live in DIR, on 127.0.0.1 and a free port.
# Sets/exports PRIVATE_MARIADB_{DIR,PORT,SOCKET}, PRIVATE_MARIADB_STARTED (1 = started now, 0 = reused)
# and DATABASE_URL=mysql://shop:shop@127.0.0.1:PORT/shopcounter.
start_private_mariadb() {
    _mdb_vars "$1"
    shift
    local dir=$PRIVATE_MARIADB_DIR port tries rc
    PRIVATE_MARIADB_STARTED=0

    if _mdb_pid >/dev/null && _mdb_ping; then
        port=$(cat "$dir/port")
        say "reusing private MariaDB in $dir (port $port)"
    else
        PRIVATE_MARIADB_STARTED=1
        if [[ ! -f $dir/initialised ]]; then
            say "initialising private MariaDB in $dir"
            rm -rf "${dir:?}/data"
            local init=(--no-defaults --datadir="$dir/data" --auth-root-authentication-method=normal
                --skip-test-db --skip-name-resolve)
            ((EUID == 0)) && init+=(--user="$(whoami)")
            "$_MDB_INSTALL" "${init[@]}" >"$dir/install.log" 2>&1 ||
                { tail -n 30 "$dir/install.log" >&2; die "mariadb-install-db failed (log: $dir/install.log)"; }
            touch "$dir/initialised"
        fi
        for ((tries = 1; ; tries++)); do
            port=$(_pick_port)
            rc=0
            _mdb_launch "$port" "$@" || rc=$?
            ((rc == 0)) && break
            ((tries < 5)) || _mdb_fail "could not bind a free port"
        done
        echo "$port" >"$dir/port"
        say "private MariaDB running in $dir (port $port, socket $PRIVATE_MARIADB_SOCKET)"
    fi

    _mdb_root <<'SQL'
CREATE USER IF NOT EXISTS 'shop'@'127.0.0.1' IDENTIFIED BY 'shop';
CREATE USER IF NOT EXISTS 'shop'@'localhost' IDENTIFIED BY 'shop';
GRANT ALL PRIVILEGES ON *.* TO 'shop'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'shop'@'localhost';
CREATE DATABASE IF NOT EXISTS shopcounter CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
SQL
    PRIVATE_MARIADB_PORT=$port
    DATABASE_URL=mysql://shop:shop@127.0.0.1:$port/shopcounter
    export PRIVATE_MARIADB_PORT PRIVATE_MARIADB_STARTED DATABASE_URL
}

# private_mariadb_socket_url: DATABASE_URL of the private server over its UNIX socket (diesel reads
# ?unix_socket= only with the host `localhost`); the path percent-encoded.
private_mariadb_socket_url() {
    local path=$PRIVATE_MARIADB_SOCKET enc= c i LC_ALL=C
    for ((i = 0; i < ${#path}; i++)); do
        c=${path:i:1}
        if [[ $c == [A-Za-z0-9/._~-] ]]; then enc+=$c; else printf -v c '%%%02X' "'$c"; enc+=$c; fi
    done
    echo "mysql://shop:shop@localhost/shopcounter?unix_socket=$enc"
}

# stop_private_mariadb DIR: clean shutdown of the private server in DIR (no-op if not running).
stop_private_mariadb() {
    _mdb_vars "$1"
    local pid i
    pid=$(_mdb_pid) || return 0
    say "stopping private MariaDB in $PRIVATE_MARIADB_DIR (pid $pid)"
    "$_MDB_ADMIN" --no-defaults --socket="$PRIVATE_MARIADB_SOCKET" -uroot shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 120; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.5
    done
    say "MariaDB (pid $pid) did not stop within 60 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
}
