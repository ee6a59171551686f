//! The visitor's chat, in the frame the loader embeds: a bundle of its own,
//! much smaller than the inbox's.

mod app;
mod client;
mod host;
mod session;
mod socket;

#[allow(deprecated)]
mod i18n_gen {
    leptos_i18n::load_locales!();
}
use frontend::{files, icons, sound};
use i18n_gen::i18n;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(|| {
        leptos::view! { <i18n::I18nContextProvider><app::WidgetApp/></i18n::I18nContextProvider> }
    });
}
