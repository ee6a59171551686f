//! Signing in.

use crate::{api, session};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// The login form.
#[component]
pub fn Login() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::login(email.get_untracked(), password.get_untracked()).await {
                Ok(tokens) => {
                    session::save(&tokens);
                    navigate("/inbox", Default::default());
                }
                Err(e) => failure.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="login">
            <form class="login-card" on:submit=submit>
                <h1 class="brand">"Natter"</h1>
                <label>"Email"
                    <input id="email" type="email" autocomplete="username" required
                        prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
                </label>
                <label>"Password"
                    <input id="password" type="password" autocomplete="current-password" required
                        prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                </label>
                <Show when=move || failure.get().is_some()>
                    <p class="error" role="alert">{move || failure.get().unwrap_or_default()}</p>
                </Show>
                <button id="login" type="submit" disabled=move || busy.get()>"Log in"</button>
            </form>
        </main>
    }
}
