#!/bin/sh
# Adds LinkDesk to the desktop's application menu for this user: run it from the unpacked
# app folder (`./install.sh`). It copies the icons and the .desktop entry into ~/.local/share,
# pointing the entry at this folder's `linkdesk`, and links ~/.local/bin/linkdesk to it.
# Undo: ./install.sh --remove
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
bin=$HOME/.local/bin
if [ "${1:-}" = "--remove" ]; then
    rm -f "$data/applications/linkdesk.desktop" "$bin/linkdesk"
    find "$data/icons/hicolor" -name 'linkdesk.*' -path '*/apps/*' -delete 2>/dev/null || true
    echo "LinkDesk removed from the application menu."
    exit 0
fi
mkdir -p "$data/applications" "$data/icons" "$bin"
cp -R "$here/share/icons/hicolor" "$data/icons/"
sed -e "s|^Exec=linkdesk|Exec=\"$here/linkdesk\"|" -e "s|^TryExec=linkdesk|TryExec=$here/linkdesk|" \
    "$here/share/applications/linkdesk.desktop" > "$data/applications/linkdesk.desktop"
ln -sf "$here/linkdesk" "$bin/linkdesk"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
echo "LinkDesk added to the application menu; \`linkdesk\` is in $bin."
