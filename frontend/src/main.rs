//! The agent inbox, mounted on the page.

mod api;
mod app;
mod chart;
mod commands;
mod components;
mod format;
mod locale;
mod notify;
mod pages;
mod session;
mod store;
mod ws;

// The catalogues in `locales/` become the `i18n` module. `load_locales!` is the
// documented way for leptos_i18n 0.6 without a build-time code generator (whose
// dependencies would reach for the network); its deprecation is only a nudge.
#[allow(deprecated)]
mod i18n_gen {
    leptos_i18n::load_locales!();
}
use frontend::{files, icons, sound};
use i18n_gen::i18n;

fn main() {
    console_error_panic_hook::set_once();
    sound::unlock_on_first_gesture();
    leptos::mount::mount_to_body(app::App);
}
