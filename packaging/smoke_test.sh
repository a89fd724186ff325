#!/usr/bin/env bash
# Smoke test of the BUILT app (dist/linkdesk/linkdesk, from packaging/build.sh), as a user runs it:
#
#     bash packaging/smoke_test.sh             # offscreen, then on a real X server (xvfb-run)
#     bash packaging/smoke_test.sh offscreen   # or only one of them: offscreen | xcb
#
# Each pass, in a fresh data, config and work folder: the version, the demo project's screenshot,
# a sample export imported into a new project with the CLI, its stats, a 64 MB export of a wide
# profile (210,000 links from as many domains, almost: imported on two processes, the second
# spawned from the frozen executable), `linkdesk check` against a local page (aiohttp,
# selectolax), a marked domain and the disavow file, screenshots of the new project (domains
# table, dashboard). The offscreen pass also scores the wide profile for the first time, which
# runs a second process too (scoring/scanhelper.py): a frozen app whose spawned children ran the
# app instead of their job would hang there (a 300 s timeout). The xcb pass also opens the real
# window and waits for it on the X server: an offscreen pass succeeds even when Qt's X11 plugin
# cannot load.
# Where `unshare -n` works (Linux, root), the offscreen pass runs with no network at all.
# Checks use Python only to read the results (PNG size, JSON): $PYTHON or .venv/bin/python.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
APP=${LINKDESK_APP:-$ROOT/dist/linkdesk/linkdesk}
PY=${PYTHON:-$ROOT/.venv/bin/python}
[ -x "$PY" ] || PY=python3
DOMAIN=workshop.io  # a referring domain of resources/samples/ahrefs-backlinks.csv
BIG_ROWS=210000  # a wide profile, 64 MB: above the two-process threshold (24 MB) of parallel
# imports, and above the scan helper's gates (200,000 links, domains at least half the links)
passes=("$@")
[ ${#passes[@]} -gt 0 ] || passes=(offscreen xcb)
failed=0
skipped=0

if [ ! -x "$APP" ]; then
    echo "smoke_test: no built app at $APP; run: bash packaging/build.sh" >&2
    exit 1
fi

ok() { echo "  ok    $*"; }
fail() { echo "  FAIL  $*"; failed=$((failed + 1)); }
skip() { echo "  SKIP  $*"; skipped=$((skipped + 1)); }

png_is_window() {  # FILE: a PNG of 1400x900 pixels
    "$PY" - "$1" <<'EOF'
import struct, sys
data = open(sys.argv[1], "rb").read(32)
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
width, height = struct.unpack(">II", data[16:24])
assert (width, height) == (1400, 900), f"{width}x{height}"
EOF
}

stats_have_links() {  # JSON_FILE: links and referring domains > 0
    "$PY" - "$1" <<'EOF'
import json, sys
stats = json.load(open(sys.argv[1]))
assert stats["links"] > 0 and stats["referring_domains"] > 0, stats
print(f"{stats['links']} links, {stats['referring_domains']} referring domains", end="")
EOF
}

has_command() {  # RUN... NAME: the app has the subcommand NAME (else NAME reads as a project)
    local name=${*: -1}
    "${@:1:$#-1}" "$name" --help 2>/dev/null | grep -q "^usage: linkdesk $name"
}

run_pass() {  # offscreen | xcb
    local mode=$1 work
    work=$(mktemp -d "${TMPDIR:-/tmp}/linkdesk-smoke.XXXXXX")
    export XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache
    export QT_QPA_PLATFORM=$mode
    local run=("$APP")
    if [ "$mode" = xcb ]; then
        if ! command -v xvfb-run >/dev/null; then
            fail "xcb: xvfb-run is missing (Debian: apt-get install xvfb xauth)"
            return
        fi
        run=(xvfb-run -a -s "-screen 0 1920x1080x24" "$APP")
    elif unshare -n true 2>/dev/null; then
        run=(unshare -n "$APP")  # no network: the app must start and import offline
        echo "  (no network in this pass: unshare -n)"
    fi
    local project=$work/acme.linkdesk log=$work/log.txt

    local version
    version=$("$PY" -c "import tomllib; print(tomllib.load(open('pyproject.toml', 'rb'))['project']['version'])")
    if "${run[@]}" --version >"$log" 2>&1 && grep -qx "linkdesk $version" "$log"; then
        ok "--version: linkdesk $version"
    else
        fail "--version: expected linkdesk $version: $(cat "$log")"
    fi

    if "${run[@]}" --demo --screenshot "$work/demo.png" >"$log" 2>&1 \
        && png_is_window "$work/demo.png" 2>>"$log"; then
        ok "--demo --screenshot: 1400x900 PNG, $(stat -c %s "$work/demo.png") bytes"
    else
        fail "--demo --screenshot: $(tail -5 "$log")"
    fi

    if "${run[@]}" import "$project" resources/samples/ahrefs-backlinks.csv \
        --site acme-widgets.com >"$log" 2>&1; then
        ok "import: $(grep -m1 -i "imported" "$log" | sed 's/^ *//')"
    else
        fail "import: $(tail -5 "$log")"
    fi
    if "${run[@]}" stats "$project" --json >"$work/stats.json" 2>"$log" \
        && summary=$(stats_have_links "$work/stats.json" 2>>"$log"); then
        ok "stats --json: $summary"
    else
        fail "stats --json: $(tail -5 "$log") $(head -c 300 "$work/stats.json")"
    fi
    if "${run[@]}" balance "$project" --json >"$work/balance.json" 2>"$log" \
        && summary=$(stats_have_links "$work/balance.json" 2>>"$log"); then
        ok "balance --json (the dashboard's figures, numpy): $summary"
    else
        fail "balance --json: $(tail -5 "$log") $(head -c 300 "$work/balance.json")"
    fi
    # The client report: Qt's PDF writer and the charts, offscreen, in the frozen app.
    if "${run[@]}" report "$project" -o "$work/report.pdf" >"$log" 2>&1 \
        && head -c 5 "$work/report.pdf" | grep -q '%PDF-' \
        && "${run[@]}" report "$project" -o "$work/report.html" >>"$log" 2>&1 \
        && grep -q 'data:image/png;base64,' "$work/report.html"; then
        ok "report: PDF ($(stat -c %s "$work/report.pdf") bytes) and HTML with its charts"
    else
        fail "report: $(tail -5 "$log")"
    fi

    local big=$ROOT/benchmarks/out/ahrefs-wide-210k.csv
    if [ ! -f "$big" ]; then
        "$PY" benchmarks/generate_export.py --rows "$BIG_ROWS" --shape wide -o "$big" >/dev/null
    fi
    if "${run[@]}" import "$work/big.linkdesk" "$big" --no-score >"$log" 2>&1; then
        ok "import of a $(( $(stat -c %s "$big") / 1000000 )) MB export (two processes):" \
            "$(grep -m1 -o "[0-9,]* links added" "$log")"
    else
        fail "import of $big: $(tail -5 "$log")"
    fi
    # Scored here before `stats` would score it (the same re-score, on two processes too).
    if [ "$mode" = offscreen ]; then
        if timeout 300 "${run[@]}" score "$work/big.linkdesk" >"$log" 2>&1; then
            ok "first score of that wide profile (two processes): $(head -1 "$log")"
        else
            fail "first score of $work/big.linkdesk: $(tail -5 "$log")"
        fi
    fi
    if "${run[@]}" stats "$work/big.linkdesk" --json >"$work/big.json" 2>"$log" \
        && summary=$(stats_have_links "$work/big.json" 2>>"$log") \
        && "$PY" -c "import json, sys; b = json.load(open(sys.argv[1]))['bands']; \
                     assert sum(b.values()) == $BIG_ROWS, b" "$work/big.json" 2>>"$log"; then
        ok "stats --json of that project (scored): $summary"
    else
        fail "stats --json of $work/big.linkdesk: $(tail -5 "$log")"
    fi

    link_check "$work"

    if ! has_command "${run[@]}" mark || ! has_command "${run[@]}" disavow; then
        skip "mark/disavow: this build has no \`linkdesk mark\` or \`linkdesk disavow\` command yet"
    elif "${run[@]}" mark "$project" --domain "$DOMAIN" --disavow \
            --reason "smoke test: spammy network" >"$log" 2>&1 \
        && "${run[@]}" disavow "$project" -o "$work/disavow.txt" --force >>"$log" 2>&1 \
        && grep -qx "domain:$DOMAIN" "$work/disavow.txt"; then
        ok "mark + disavow: disavow.txt has domain:$DOMAIN"
    else
        fail "mark + disavow: $(tail -5 "$log") $(head -c 300 "$work/disavow.txt" 2>/dev/null)"
    fi

    if "${run[@]}" "$project" --screenshot "$work/domains.png" --tab domains >"$log" 2>&1 \
        && png_is_window "$work/domains.png" 2>>"$log"; then
        ok "--screenshot of the imported project: 1400x900 PNG"
    else
        fail "--screenshot of the imported project: $(tail -5 "$log")"
    fi

    if ! "${run[@]}" --help 2>/dev/null | grep -q dashboard; then
        skip "dashboard: this build has no Dashboard tab"
    elif "${run[@]}" "$project" --screenshot "$work/dashboard.png" --tab dashboard >"$log" 2>&1 \
        && png_is_window "$work/dashboard.png" 2>>"$log"; then
        ok "--screenshot --tab dashboard (pyqtgraph charts): 1400x900 PNG"
    else
        fail "--screenshot --tab dashboard: $(tail -5 "$log")"
    fi

    if [ "$mode" = xcb ]; then
        window_on_x "$project" "$work"
    fi
    rm -rf "$work"
}

link_check() {  # WORK: `linkdesk check` (httpx, aiohttp, selectolax) against a local page
    local work=$1 port server
    port=$("$PY" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
    mkdir -p "$work/site"
    printf '<html><body><a href="https://acme-widgets.com/">Acme</a></body></html>' \
        >"$work/site/page.html"
    printf 'Source,Target\nhttp://127.0.0.1:%s/page.html,https://acme-widgets.com/\n' "$port" \
        >"$work/links.csv"
    "$PY" -m http.server "$port" --bind 127.0.0.1 --directory "$work/site" >/dev/null 2>&1 &
    server=$!
    for _ in $(seq 50); do  # until it listens
        "$PY" -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" \
            2>/dev/null && break
        sleep 0.1
    done
    # Loopback only: run outside `unshare -n`, whose namespace has no interface up.
    if "$APP" import "$work/check.linkdesk" "$work/links.csv" --format generic \
            --map source_url=Source --map target_url=Target >"$log" 2>&1 \
        && "$APP" check "$work/check.linkdesk" --json --quiet >"$work/check.json" 2>>"$log" \
        && "$PY" -c "import json, sys; assert json.load(open(sys.argv[1]))['by_status']['live'] == 1" \
            "$work/check.json" 2>>"$log"; then
        ok "check: the local page still links (aiohttp transport, selectolax parser)"
    else
        fail "check: $(tail -5 "$log") $(head -c 300 "$work/check.json")"
    fi
    kill "$server" 2>/dev/null
    wait "$server" 2>/dev/null
}

window_on_x() {  # PROJECT WORK: the real window, shown on an X server, within 30 s
    local project=$1 work=$2
    local title
    title="$(basename "$project" .linkdesk) — LinkDesk"
    # shellcheck disable=SC2016  # expanded by the inner shell
    if xvfb-run -a -s "-screen 0 1920x1080x24" sh -c '
        "$1" "$2" >"$3" 2>&1 & app=$!
        for _ in $(seq 300); do
            if xwininfo -root -tree 2>/dev/null | grep -qF "\"$4\""; then
                kill "$app"; wait "$app" 2>/dev/null; exit 0
            fi
            kill -0 "$app" 2>/dev/null || exit 2
            sleep 0.1
        done
        kill "$app"; exit 1' sh "$APP" "$project" "$work/window.log" "$title"; then
        ok "window \"$title\" shown on the X server (xcb plugin)"
    else
        fail "window on the X server: $(tail -5 "$work/window.log")"
    fi
}

echo "Smoke test of $APP"
for mode in "${passes[@]}"; do
    echo "Pass: QT_QPA_PLATFORM=$mode"
    run_pass "$mode"
done
echo "smoke_test: $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
