//! The router: the login page, and the signed-in screens inside the shell.

use crate::i18n::*;
use crate::pages::{
    contacts::Contacts, conversations::Conversations, login::Login, saved_replies::SavedReplies, settings::Settings,
    shell::Shell, visitors::Visitors,
};
use crate::session::Session;
use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    provide_context(Session::restore());
    view! {
        <I18nContextProvider>
            <LocaleMemory/>
            <ErrorBoundary fallback=|errors| view! {
                <div class="fatal" role="alert">
                    {move || errors.get().into_iter().map(|(_, e)| view! { <p>{e.to_string()}</p> }).collect_view()}
                </div>
            }>
                <Router>
                    <Routes fallback=|| view! { <Redirect path="/conversations"/> }>
                        <Route path=path!("/login") view=Login/>
                        <Route path=path!("/forgot-password") view=crate::pages::set_password::ForgotPassword/>
                        <Route path=path!("/set-password") view=crate::pages::set_password::SetPasswordPage/>
                        <ParentRoute path=path!("") view=Shell>
                            <Route path=path!("/conversations/:id?") view=Conversations/>
                            <Route path=path!("/visitors") view=Visitors/>
                            <Route path=path!("/contacts") view=Contacts/>
                            <Route path=path!("/saved-replies") view=SavedReplies/>
                            <Route path=path!("/settings") view=Settings/>
                            <Route path=path!("") view=|| view! { <Redirect path="/conversations"/> }/>
                        </ParentRoute>
                    </Routes>
                </Router>
            </ErrorBoundary>
        </I18nContextProvider>
    }
}

const LOCALE_KEY: &str = "natter.locale";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// Remembers the language the agent picked in this browser.
pub fn remember_locale(locale: Locale) {
    if let Some(s) = storage() {
        let _ = s.set_item(LOCALE_KEY, locale.as_str());
    }
}

/// Restores the picked language; until one is picked, the browser's is used.
#[component]
fn LocaleMemory() -> impl IntoView {
    let i18n = use_i18n();
    let saved = storage().and_then(|s| s.get_item(LOCALE_KEY).ok().flatten()).and_then(|l| l.parse::<Locale>().ok());
    Effect::new(move |_| {
        if let Some(locale) = saved {
            i18n.set_locale(locale);
        }
    });
}
