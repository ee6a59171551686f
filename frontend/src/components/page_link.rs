//! The page a visitor is on: a link when it is a web address, plain text otherwise
//! (a `javascript:` URL stored before pages were checked must never run on a click).

use leptos::prelude::*;

/// The visitor's page, safe to click.
#[component]
pub fn PageLink(url: String) -> impl IntoView {
    if shared::web::is_web_url(&url) {
        let text = url.clone();
        view! { <a href=url target="_blank" rel="noopener noreferrer">{text}</a> }.into_any()
    } else {
        view! { <span class="page-text">{url}</span> }.into_any()
    }
}
