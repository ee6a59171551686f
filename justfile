# Natter: the developer's and the user's entry points.
# `just run` builds everything and starts the server on SQLite; `just test` runs every test.

set shell := ["bash", "-euo", "pipefail", "-c"]

# wasm-bindgen-cli must match the wasm-bindgen version pinned in frontend/Cargo.toml.
wasm_bindgen_version := "0.2.130"
# From npm: binaryen for wasm-opt, terser to minify the JavaScript glue.
binaryen_version := "132.0.0"
terser_version := "5.51.4"
# From crates.io, for `just fuzz` (which builds with the nightly toolchain).
cargo_fuzz_version := "0.13.2"

# List the recipes.
default:
    @just --list

# Build and start Natter on SQLite in ./data (first start prints the admin's password).
run *ARGS: frontend
    cargo run --release -p backend --bin natter -- {{ARGS}}

# Install the pinned WASM tools (once per machine; nothing is downloaded at build time).
wasm-tools:
    rustup target add wasm32-unknown-unknown
    if ! wasm-bindgen --version 2>/dev/null | grep -q "{{wasm_bindgen_version}}"; then cargo install wasm-bindgen-cli --version {{wasm_bindgen_version}}; fi

# The bundlers' tools from npm, pinned, once per checkout: binaryen's wasm-opt (Debian's 108 makes WASM
# that fails in the browser) and terser for wasm-bindgen's JavaScript; and Debian's zopfli, which makes
# the .gz files about 4 % smaller than gzip -9 (still plain gzip for the browser).
bundle-tools:
    if ! command -v zopfli >/dev/null; then \
        SUDO=$([ "$(id -u)" = 0 ] || echo sudo); \
        $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq zopfli; \
    fi
    if ! grep -qs '"version": "{{binaryen_version}}"' node_modules/binaryen/package.json \
        || ! grep -qs '"version": "{{terser_version}}"' node_modules/terser/package.json; then \
        npm install --no-save --no-package-lock --no-audit --no-fund binaryen@{{binaryen_version}} terser@{{terser_version}}; \
    fi

# Build the inbox and the widget (Leptos, WASM) into dist/inbox: hashed, precompressed assets; prints their sizes.
frontend: wasm-tools bundle-tools
    cargo build -p frontend --target wasm32-unknown-unknown --profile release-small
    bash frontend/build.sh

# Run the database migrations and exit.
migrate:
    cargo run --release -p backend --bin natter -- migrate

# Fill the database in ./data (or DATABASE_URL) with a big inbox for benchmarks (stop Natter first).
seed CONVERSATIONS="100000" MESSAGES="1000000":
    cargo run --release -p backend --bin natter -- seed --conversations {{CONVERSATIONS}} --messages {{MESSAGES}}

# Back up the SQLite database and its attachments to one tar file (safe while Natter runs).
backup FILE:
    cargo run --release -p backend --bin natter -- backup {{FILE}}

# Restore a backup into the data dir (stop Natter first; --force replaces a database, kept beside).
restore FILE *ARGS:
    cargo run --release -p backend --bin natter -- restore {{FILE}} {{ARGS}}

# Every test: unit tests, the API suite on SQLite and PostgreSQL, and the browser tests.
test: frontend browser test-tools smtp
    cargo test --workspace

# Only the browser tests (real server, real headless Chromium).
e2e: frontend browser
    cargo test -p e2e

# Install Debian's Chromium and ChromeDriver for the browser tests (once per machine).
browser:
    if ! command -v chromedriver >/dev/null || ! command -v chromium >/dev/null; then \
        SUDO=$([ "$(id -u)" = 0 ] || echo sudo); \
        $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver; \
    fi

# Install aiosmtpd, the real SMTP server the email tests start (once per machine).
smtp:
    if ! python3 -c "import aiosmtpd" 2>/dev/null; then \
        python3 -m pip install -q "aiosmtpd==1.4.6" 2>/dev/null || { \
            SUDO=$([ "$(id -u)" = 0 ] || echo sudo); \
            $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-aiosmtpd; }; \
    fi

# Test peers from PyPI, pinned: a local S3 server (moto) for attachments on S3 (once per machine).
test-tools:
    if ! python3 -c "import moto.server" 2>/dev/null; then pip install --quiet "moto[server]==5.2.1"; fi

# Fuzz the REST API against its own OpenAPI document: schemathesis (pinned, from PyPI), every
# check, positive and negative data, stateful; a debug server on a fresh SQLite; SECS at most.
# The server is the one `just test` builds (`cargo build -p backend` resolves features apart
# from the workspace and would build every dependency again: 4 minutes of CI).
schemathesis SECS="150":
    cargo test --workspace --no-run
    bash .ci/schemathesis.sh {{SECS}}

# Install the pinned cargo-fuzz (once per machine).
fuzz-tools:
    if ! cargo fuzz --version 2>/dev/null | grep -q "{{cargo_fuzz_version}}"; then cargo install cargo-fuzz --version {{cargo_fuzz_version}} --locked; fi

# Fuzz WebSocket frame decoding, markdown rendering and upload parsing for SECS seconds each
# (fuzz/, nightly, no sanitizer: the code under test is safe Rust). New inputs go to
# fuzz/target/corpus, beside the committed seeds in fuzz/corpus; a crash lands in fuzz/artifacts.
fuzz SECS="20": fuzz-tools
    cd fuzz && cargo +nightly fuzz build --sanitizer none
    just _fuzz-run frames {{SECS}} 4096
    just _fuzz-run markdown {{SECS}} 2048
    just _fuzz-run multipart {{SECS}} 2048

_fuzz-run TARGET SECS MAX_LEN:
    mkdir -p fuzz/target/corpus/{{TARGET}}
    cd fuzz && cargo +nightly fuzz run --sanitizer none {{TARGET}} target/corpus/{{TARGET}} corpus/{{TARGET}} -- \
        -max_total_time={{SECS}} -max_len={{MAX_LEN}} -timeout=10 -rss_limit_mb=1024 -print_final_stats=1

# Formatting and lints, as CI checks them.
lint:
    cargo fmt --all -- --check
    cargo fmt --manifest-path fuzz/Cargo.toml -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# Format the code.
fmt:
    cargo fmt --all

# Benchmarks (release build): Natter beside Node relays under load, idle sockets, memory, a 3-node
# cluster, instructions per message, a big inbox. Needs a quiet machine; PARTS/RATES/... in bench/run.sh.
bench:
    cargo build --release -p backend --bin natter
    bash bench/run.sh

# Screenshots of every screen with sample data, into target/screenshots (for looking at).
screenshots: frontend browser
    cargo test -p e2e -- --ignored --test-threads=1
