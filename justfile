# Natter: the developer's and the user's entry points.
# `just run` builds everything and starts the server on SQLite; `just test` runs every test.

set shell := ["bash", "-euo", "pipefail", "-c"]

# List the recipes.
default:
    @just --list

# Build and start Natter on SQLite in ./data (first start prints the admin's password).
run *ARGS:
    cargo run --release -p backend --bin natter -- {{ARGS}}

# Run the database migrations and exit.
migrate:
    cargo run --release -p backend --bin natter -- migrate

# Every test: unit tests and the API suite on SQLite and PostgreSQL.
test:
    cargo test --workspace

# Formatting and lints, as CI checks them.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# Format the code.
fmt:
    cargo fmt --all

# Load test on loopback (release build): latency, throughput, memory per connection.
bench:
    cargo build --release -p backend -p loadgen
    bash bench/run.sh
