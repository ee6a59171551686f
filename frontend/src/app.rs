//! The router: the login page, and the signed-in screens inside the shell.

use crate::i18n::*;
use crate::locale::LocaleMemory;
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
                            <Route path=path!("/reports") view=crate::pages::reports::Reports/>
                            <Route path=path!("") view=|| view! { <Redirect path="/conversations"/> }/>
                        </ParentRoute>
                    </Routes>
                </Router>
            </ErrorBoundary>
        </I18nContextProvider>
    }
}
