//! The visitor's chat, in the frame the loader embeds: a bundle of its own,
//! much smaller than the inbox's.

mod app;
mod chat;
mod client;
mod composer;
mod contact_form;
mod host;
mod session;
mod socket;
mod thread;
mod wire;
mod words;

use frontend::{files, icons, sound};

fn main() {
    sound::unlock_on_first_gesture();
    leptos::mount::mount_to_body(app::WidgetApp);
}
