//! The agent inbox, mounted on the page.

mod api;
mod app;
mod pages;
mod session;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
