//! Signing in.

use crate::api;
use crate::i18n::*;
use crate::session::Session;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// The login form.
#[component]
pub fn Login() -> impl IntoView {
    let session = expect_context::<Session>();
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    if session.signed_in() {
        navigate("/conversations", Default::default());
    }
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::login(email.get_untracked(), password.get_untracked()).await {
                Ok(tokens) => {
                    session.set(tokens);
                    navigate("/conversations", Default::default());
                }
                Err(e) => failure.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="login">
            <form class="login-card" on:submit=submit>
                <h1 class="brand"><span class="logo" aria-hidden="true"></span>"Natter"</h1>
                <p class="muted">{t!(i18n, login.welcome)}</p>
                <label>{t!(i18n, login.email)}
                    <input id="email" type="email" autocomplete="username" required bind:value=email/>
                </label>
                <label>{t!(i18n, login.password)}
                    <input id="password" type="password" autocomplete="current-password" required bind:value=password/>
                </label>
                <Show when=move || failure.get().is_some()>
                    <p class="error" role="alert">{move || failure.get().unwrap_or_default()}</p>
                </Show>
                <button id="login" class="primary" type="submit" disabled=move || busy.get()>{t!(i18n, login.submit)}</button>
                <a id="forgot-password" href="/forgot-password">{t!(i18n, passwords.forgot)}</a>
            </form>
        </main>
    }
}
