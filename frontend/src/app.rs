//! The router: the login page, and the inbox for signed-in agents.

use crate::pages::{inbox::Inbox, login::Login};
use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::path;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Routes fallback=|| view! { <Redirect path="/inbox"/> }>
                <Route path=path!("/login") view=Login/>
                <Route path=path!("/inbox") view=Inbox/>
            </Routes>
        </Router>
    }
}
