#!/usr/bin/env bash
# Bundles the built inbox WASM into dist/inbox: wasm-bindgen's JS glue, the WASM
# and the CSS under content-hashed names in assets/, and index.html pointing at them.
set -euo pipefail
cd "$(dirname "$0")/.."
WASM=target/wasm32-unknown-unknown/release-small/natter_inbox.wasm
PKG=target/inbox-pkg
OUT=dist/inbox
rm -rf "$PKG" "$OUT"
mkdir -p "$PKG" "$OUT/assets"
wasm-bindgen --target web --no-typescript --out-dir "$PKG" "$WASM"
hashed() { # file ext -> name-<hash>.ext, copied into assets/
    local file=$1 base=$2 ext=$3 hash
    hash=$(sha256sum "$file" | cut -c1-12)
    cp "$file" "$OUT/assets/$base-$hash.$ext"
    echo "$base-$hash.$ext"
}
JS=$(hashed "$PKG/natter_inbox.js" inbox js)
WASM_NAME=$(hashed "$PKG/natter_inbox_bg.wasm" inbox wasm)
CSS=$(hashed frontend/web/style.css style css)
sed -e "s/{{js}}/$JS/" -e "s/{{wasm}}/$WASM_NAME/" -e "s/{{css}}/$CSS/" frontend/web/index.html >"$OUT/index.html"
echo "inbox: $(du -h "$OUT/assets/$WASM_NAME" | cut -f1) wasm, $(gzip -c "$OUT/assets/$WASM_NAME" | wc -c) bytes gzipped"
