#!/usr/bin/env bash
# Creates .venv and installs what is missing; sourced by run.sh and test.sh.
# Re-running is cheap: packages are reinstalled only when pyproject.toml changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXTRAS="${1:-}"

find_python() {
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
           "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"; return 0
        fi
    done
    echo "需要 Python 3.11 或更新版本（找不到 python3.11）。" >&2
    return 1
}

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else return 1; fi
}

# Qt needs a few system libraries even offscreen (and the card tests' QR decoder ZBar needs
# libzbar0); install them on Debian/Ubuntu if absent.
system_libraries() {
    command -v apt-get >/dev/null 2>&1 || return 0
    local missing=() libraries
    # Read once into a variable: `ldconfig -p | grep -q` under pipefail fails at random when
    # grep exits early and ldconfig gets SIGPIPE, which made installed libraries look missing.
    libraries="$(ldconfig -p 2>/dev/null || true)"
    for pair in libEGL.so.1:libegl1 libGL.so.1:libgl1 libxkbcommon.so.0:libxkbcommon0 \
                libfontconfig.so.1:libfontconfig1 libdbus-1.so.3:libdbus-1-3 \
                libxcb-cursor.so.0:libxcb-cursor0 libxkbcommon-x11.so.0:libxkbcommon-x11-0 \
                libxcb-icccm.so.4:libxcb-icccm4 libxcb-keysyms.so.1:libxcb-keysyms1 \
                libxcb-image.so.0:libxcb-image0 libxcb-render-util.so.0:libxcb-render-util0 \
                libzbar.so.0:libzbar0; do
        case "$libraries" in *"${pair%%:*}"*) ;; *) missing+=("${pair##*:}") ;; esac
    done
    if [ "$EXTRAS" = test ]; then
        # The print tests put every xlsx through LibreOffice and read the PDFs back.
        command -v soffice >/dev/null 2>&1 || missing+=("libreoffice-calc-nogui")
        command -v pdftotext >/dev/null 2>&1 || missing+=("poppler-utils")
        [ -d /usr/share/fonts/opentype/noto ] || missing+=("fonts-noto-cjk")
    fi
    python_has_venv || missing+=("python3-venv")
    if [ ${#missing[@]} -gt 0 ]; then
        echo "安装系统库：${missing[*]}"
        as_root apt-get update -qq && as_root apt-get install -y -qq "${missing[@]}" >/dev/null ||
            echo "提示：无法自动安装 ${missing[*]}，请手动安装。" >&2
    fi
}

python_has_venv() { "$PY" -c 'import ensurepip, venv' 2>/dev/null; }

PY="$(find_python)"
system_libraries
if [ ! -x "$ROOT/.venv/bin/python" ]; then
    echo "创建虚拟环境 .venv …"
    "$PY" -m venv "$ROOT/.venv"
fi
STAMP="$ROOT/.venv/.installed-$(sha256sum "$ROOT/pyproject.toml" | cut -c1-16)${EXTRAS:+-$EXTRAS}"
if [ ! -f "$STAMP" ]; then
    echo "安装依赖 …（记录在 .venv/install.log）"
    # Quiet unless it fails: the build tools print screens of English warnings otherwise.
    if ! { "$ROOT/.venv/bin/python" -m pip install -q --upgrade pip &&
           "$ROOT/.venv/bin/python" -m pip install -q -e "$ROOT${EXTRAS:+[$EXTRAS]}"; } \
           >"$ROOT/.venv/install.log" 2>&1; then
        cat "$ROOT/.venv/install.log" >&2
        echo "安装依赖失败，详见上面的输出（.venv/install.log）。" >&2
        exit 1
    fi
    touch "$STAMP"
fi
