#!/usr/bin/env bash
# Bundles the built WASM apps into dist/inbox: for the inbox and the widget,
# wasm-bindgen's JS glue (minified by terser) and the WASM (shrunk by wasm-opt;
# `just bundle-tools` installs both) and the CSS under content-hashed names in assets/, each beside
# its brotli (.br) and gzip (.gz, by zopfli where installed) form, made once here so the server never
# compresses per request; and index.html / widget.html pointing at them.
# Also the widget's rating page (rating.html, no WASM). Prints each bundle's size, and fails if the widget's chat frame outgrows its budget.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${CARGO_TARGET_DIR:-target}
TARGET=$BUILD/wasm32-unknown-unknown/release-small
OUT=dist/inbox
WASM_OPT=node_modules/.bin/wasm-opt
TERSER=node_modules/.bin/terser
# Everything the chat frame loads (WASM, JS, CSS), gzipped: every visitor of every site pays it.
WIDGET_BUDGET_GZIP=$((150 * 1024))
rm -rf "$OUT"
mkdir -p "$OUT/assets"
hashed() { # file base ext -> base-<hash>.ext, copied into assets/ with its .br and .gz
    local file=$1 base=$2 ext=$3 hash name
    hash=$(sha256sum "$file" | cut -c1-12)
    name="$base-$hash.$ext"
    cp "$file" "$OUT/assets/$name"
    if command -v zopfli >/dev/null; then zopfli -c "$file" >"$OUT/assets/$name.gz"; else gzip -9 -n -c "$file" >"$OUT/assets/$name.gz"; fi
    node -e '
        const zlib = require("zlib"), fs = require("fs"), [src, dst] = process.argv.slice(1), data = fs.readFileSync(src);
        fs.writeFileSync(dst, zlib.brotliCompressSync(data, { params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
            [zlib.constants.BROTLI_PARAM_LGWIN]: zlib.constants.BROTLI_MAX_WINDOW_BITS,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } }));' "$file" "$OUT/assets/$name.br"
    echo "$name"
}
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }
size_of() { # suffix files... -> total bytes
    local suffix=$1 total=0
    shift
    for f in "$@"; do total=$((total + $(stat -c %s "$OUT/assets/$f$suffix"))); done
    echo "$total"
}
bundle() { # crate-binary name page css -> prints sizes; sets GZIP_TOTAL
    local bin=$1 name=$2 page=$3 css=$4 pkg=$BUILD/$2-pkg
    rm -rf "$pkg"
    mkdir -p "$pkg"
    wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
        --out-dir "$pkg" "$TARGET/$bin.wasm"
    if [ -x "$WASM_OPT" ] && [ -x "$TERSER" ]; then
        # -Os compresses a little better than -Oz here (measured with gzip and brotli).
        "$WASM_OPT" -Os --converge --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
            --enable-reference-types --enable-multivalue "$pkg/${bin}_bg.wasm" -o "$pkg/${bin}_bg.wasm"
        "$TERSER" "$pkg/$bin.js" --module --compress --mangle -o "$pkg/$bin.js"
    else
        echo "(no wasm-opt or terser: run \`just bundle-tools\` for smaller bundles)"
    fi
    local js wasm style
    js=$(hashed "$pkg/$bin.js" "$name" js)
    wasm=$(hashed "$pkg/${bin}_bg.wasm" "$name" wasm)
    style=$(hashed "$css" "$name" css)
    sed -e "s/{{js}}/$js/" -e "s/{{wasm}}/$wasm/" -e "s/{{css}}/$style/" "$page" >"$OUT/$(basename "$page")"
    GZIP_TOTAL=$(size_of .gz "$wasm" "$js" "$style")
    STYLE=$style
    echo "$name: WASM $(kb "$(size_of "" "$wasm")"); with its JS and CSS $(kb "$GZIP_TOTAL") gzip, $(kb "$(size_of .br "$wasm" "$js" "$style")") brotli"
}
bundle natter_inbox inbox frontend/web/index.html frontend/web/style.css
bundle natter_widget widget frontend/web/widget.html frontend/web/widget.css
# The rating prompt under a closed conversation: plain HTML with the widget's style, loaded only then.
sed -e "s/{{css}}/$STYLE/" frontend/web/rating.html >"$OUT/rating.html"
echo "loader: $(kb "$(stat -c %s backend/static/widget.js)") (backend/static/widget.js)"
if [ "$GZIP_TOTAL" -gt "$WIDGET_BUDGET_GZIP" ]; then
    echo "the widget's chat frame is $(kb "$GZIP_TOTAL") gzipped, over its budget of $(kb "$WIDGET_BUDGET_GZIP")" >&2
    exit 1
fi
