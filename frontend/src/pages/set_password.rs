//! Passwords by email: asking for a link ("forgot password"), and setting a
//! password from a link (a reset or an invitation; the token is in the URL's
//! fragment, which browsers never send to servers).

use crate::api::passwords;
use crate::i18n::*;
use leptos::prelude::*;

/// `/forgot-password`: the email form; the answer is the same for every address.
#[component]
pub fn ForgotPassword() -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let sent = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            match passwords::request_password_reset(email.get_untracked()).await {
                Ok(()) => sent.set(true),
                Err(f) => failure.set(Some(f.message)),
            }
        });
    };
    view! {
        <main class="login">
            <form class="login-card" on:submit=submit>
                <h1 class="brand"><span class="logo" aria-hidden="true"></span>"Natter"</h1>
                <Show when=move || !sent.get() fallback=move || view! { <p id="reset-sent">{t!(i18n, passwords.sent)}</p> }>
                    <p class="muted">{t!(i18n, passwords.forgot_help)}</p>
                    <label>{t!(i18n, login.email)}
                        <input id="reset-email" type="email" autocomplete="username" required bind:value=email/>
                    </label>
                    <p class="error" role="alert">{move || failure.get().unwrap_or_default()}</p>
                    <button id="reset-send" class="primary" type="submit">{t!(i18n, passwords.send_link)}</button>
                </Show>
                <a href="/login">{t!(i18n, passwords.back)}</a>
            </form>
        </main>
    }
}

fn token_from_fragment() -> String {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    hash.trim_start_matches('#').strip_prefix("token=").unwrap_or_default().to_owned()
}

/// `/set-password#token=…`: the new password form.
#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let password = RwSignal::new(String::new());
    let done = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            match passwords::set_password(token_from_fragment(), password.get_untracked()).await {
                Ok(()) => done.set(true),
                Err(f) => failure.set(Some(f.message)),
            }
        });
    };
    view! {
        <main class="login">
            <form class="login-card" on:submit=submit>
                <h1 class="brand"><span class="logo" aria-hidden="true"></span>"Natter"</h1>
                <Show when=move || !done.get() fallback=move || view! { <p id="password-set">{t!(i18n, passwords.done)}</p> }>
                    <label>{t!(i18n, passwords.new_password)}
                        <input id="new-password" type="password" autocomplete="new-password" required bind:value=password/>
                    </label>
                    <p class="error" role="alert">{move || failure.get().unwrap_or_default()}</p>
                    <button id="set-password" class="primary" type="submit">{t!(i18n, passwords.save)}</button>
                </Show>
                <a href="/login">{t!(i18n, passwords.back)}</a>
            </form>
        </main>
    }
}
