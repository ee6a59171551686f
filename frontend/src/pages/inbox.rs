//! The conversations list with each card's dot.

use crate::{api, session};
use leptos::prelude::*;
use leptos_router::components::Redirect;
use shared::Dot;
use shared::api::Conversation;

fn dot_class(dot: Dot) -> &'static str {
    match dot {
        Dot::Purple => "dot purple",
        Dot::Red => "dot red",
        _ => "dot none",
    }
}

/// The inbox (signed-in agents only).
#[component]
pub fn Inbox() -> impl IntoView {
    let Some(tokens) = session::load() else {
        return view! { <Redirect path="/login"/> }.into_any();
    };
    let client = api::Authed::new(tokens.access_token.clone());
    let conversations = LocalResource::new(move || {
        let client = client.clone();
        async move { client.conversations("open").await }
    });
    let name = tokens.agent.name.clone();
    view! {
        <div class="shell">
            <nav class="sidebar">
                <div class="brand">"Natter"</div>
                <a class="nav-item active" href="/inbox">"Conversations"</a>
                <div class="me">{name}</div>
                <button id="logout" class="link" on:click=move |_| {
                    session::clear();
                    let _ = window().location().set_href("/login");
                }>"Log out"</button>
            </nav>
            <section class="list">
                <h2>"Open conversations"</h2>
                <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match conversations.await {
                            Ok(page) => page.items.into_iter().map(card).collect::<Vec<_>>().into_any(),
                            Err(e) => view! { <p class="error">{e.message}</p> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </div>
    }
    .into_any()
}

fn card(c: Conversation) -> impl IntoView {
    let who = c.contact_name.clone().or(c.contact_email.clone()).unwrap_or_else(|| "Visitor".into());
    view! {
        <article class="card" data-id=c.id.to_string()>
            <span class=dot_class(c.dot) data-dot=format!("{:?}", c.dot).to_lowercase()></span>
            <div class="card-body">
                <div class="card-title">{who}</div>
                <div class="card-preview">{c.last_message_preview.clone().unwrap_or_default()}</div>
            </div>
        </article>
    }
}
