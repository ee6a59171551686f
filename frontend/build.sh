#!/usr/bin/env bash
# Bundles the built WASM apps into dist/inbox: for the inbox and the widget,
# wasm-bindgen's JS glue, the WASM and the CSS under content-hashed names in
# assets/, and index.html / widget.html pointing at them.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${CARGO_TARGET_DIR:-target}
TARGET=$BUILD/wasm32-unknown-unknown/release-small
OUT=dist/inbox
rm -rf "$OUT"
mkdir -p "$OUT/assets"
hashed() { # file base ext -> base-<hash>.ext, copied into assets/
    local file=$1 base=$2 ext=$3 hash
    hash=$(sha256sum "$file" | cut -c1-12)
    cp "$file" "$OUT/assets/$base-$hash.$ext"
    echo "$base-$hash.$ext"
}
bundle() { # crate-binary name page css
    local bin=$1 name=$2 page=$3 css=$4 pkg=$BUILD/$2-pkg
    rm -rf "$pkg"
    mkdir -p "$pkg"
    wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
        --out-dir "$pkg" "$TARGET/$bin.wasm"
    local js wasm style
    js=$(hashed "$pkg/$bin.js" "$name" js)
    wasm=$(hashed "$pkg/${bin}_bg.wasm" "$name" wasm)
    style=$(hashed "$css" "$name" css)
    sed -e "s/{{js}}/$js/" -e "s/{{wasm}}/$wasm/" -e "s/{{css}}/$style/" "$page" >"$OUT/$(basename "$page")"
    echo "$name: $(du -h "$OUT/assets/$wasm" | cut -f1) wasm, $(cat "$OUT/assets/$wasm" "$OUT/assets/$js" "$OUT/assets/$style" | gzip -9 | wc -c) bytes gzipped with its JS and CSS"
}
bundle natter_inbox inbox frontend/web/index.html frontend/web/style.css
bundle natter_widget widget frontend/web/widget.html frontend/web/widget.css
