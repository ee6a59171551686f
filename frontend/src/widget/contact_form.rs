//! Name and email: the contact-form bot's question, or the offline form.

use crate::chat::{BOT_DONE, Chat};
use crate::client;
use crate::words::words;
use leptos::prelude::*;

/// Whether `address` looks like an email (the server checks it properly).
pub fn plausible_email(address: &str) -> bool {
    address.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.ends_with('.'))
}

#[component]
pub fn ContactForm(chat: Chat, offline: bool) -> impl IntoView {
    let w = words();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let done = move || {
        client::remember(BOT_DONE, "1");
        chat.bot.set(false);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let address = email.get_untracked().trim().to_owned();
        if !plausible_email(&address) {
            error.set(Some(w.bad_email.to_owned()));
            return;
        }
        let Some(visitor) = chat.visitor.get_untracked() else { return };
        let who = name.get_untracked().trim().to_owned();
        let change = client::contact_form_change((!who.is_empty()).then_some(who), address);
        leptos::task::spawn_local(async move {
            match visitor.update_contact(change).await {
                Ok(_) => {
                    chat.has_email.set(true);
                    done();
                }
                Err(f) => error.set(Some(f.message)),
            }
        });
    };
    let id = if offline { "offline-form" } else { "bot-form" };
    view! {
        <form class="contact-form" id=id on:submit=submit novalidate>
            <input type="text" name="name" autocomplete="name" placeholder=w.name bind:value=name/>
            <input type="email" name="email" autocomplete="email" required placeholder=w.email bind:value=email/>
            <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            <div class="form-buttons">
                {(!offline).then(|| view! {
                    <button type="button" class="skip" on:click=move |_| done()>{w.skip}</button>
                })}
                <button type="submit" class="send-details">{w.save}</button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::plausible_email;

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(plausible_email("ana@shop.example"));
        for bad in ["", "ana", "@shop.example", "ana@shop", "ana@shop."] {
            assert!(!plausible_email(bad), "{bad}");
        }
    }
}
