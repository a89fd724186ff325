#!/usr/bin/env bash
# Builds the LinkDesk desktop app for this platform with PyInstaller: one command,
#
#     bash packaging/build.sh
#
# into dist/linkdesk/ (dist/LinkDesk.app on macOS), and prints the time it took and the size.
# Needs PyInstaller in the project's venv: .venv/bin/pip install -e '.[package]'
# (PYTHON=... picks another interpreter). Then: bash packaging/smoke_test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
[ -x "$python" ] || python=${PYTHON:-.venv/Scripts/python.exe}  # a Windows venv under Git Bash
if ! "$python" -c "import PyInstaller" 2>/dev/null; then
    echo "build.sh: PyInstaller is missing: $python -m pip install -e '.[package]'" >&2
    exit 1
fi
if [ "$(uname -s)" = Linux ]; then
    # PyInstaller bundles the X11/Wayland libraries Qt's platform plugins link, from THIS
    # machine, and only warns when one is missing: the app would then fail to open a window
    # wherever that library is not installed. Refuse to build without them.
    qt=$("$python" -c "import PySide6, os; print(os.path.join(os.path.dirname(PySide6.__file__), 'Qt'))")
    missing=$(for plugin in "$qt"/plugins/platforms/libq{xcb,wayland}.so; do
        LD_LIBRARY_PATH="$qt/lib" ldd "$plugin" | awk '/not found/ {print $1}'
    done | sort -u)
    if [ -n "$missing" ]; then
        echo "build.sh: Qt's X11/Wayland plugins need libraries this machine lacks:" $missing >&2
        echo "  Debian/Ubuntu: apt-get install libxcb-icccm4 libxcb-keysyms1 libxcb-image0" \
            "libxcb-render-util0 libxcb-cursor0 libxkbcommon-x11-0 libwayland-cursor0" >&2
        exit 1
    fi
fi
start=$(date +%s)
"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/linkdesk.spec
end=$(date +%s)
app=dist/linkdesk
[ -d dist/LinkDesk.app ] && app=dist/LinkDesk.app
echo "Built $app in $((end - start)) s; size: $(du -sh "$app" | cut -f1)"
