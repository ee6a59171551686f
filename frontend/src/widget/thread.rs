//! The thread's messages: the visitor's on the right, agents' replies (with the
//! agent's name) on the left, with their files and the time.

use crate::client::Visitor;
use crate::wire::ChatMessage;
use leptos::prelude::*;
use shared::api::{Attachment, VisitorMessageKind};

/// One message.
#[component]
pub fn MessageBubble(m: ChatMessage, visitor: Option<Visitor>) -> impl IntoView {
    let mine = m.kind == VisitorMessageKind::Visitor;
    let author = (!mine).then(|| m.author_name.clone()).flatten();
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(m.created_at));
    let time = format!("{:02}:{:02}", date.get_hours(), date.get_minutes());
    view! {
        <div class=if mine { "row mine" } else { "row theirs" } data-kind=if mine { "visitor" } else { "agent" }>
            {author.map(|a| view! { <span class="author">{a}</span> })}
            <div class=if mine { "bubble visitor" } else { "bubble agent" }>
                <div class="text" inner_html=m.html.clone()></div>
                {m.attachments.into_iter().map(|a| view! { <FileView a=a visitor=visitor.clone()/> }).collect_view()}
            </div>
            <time class="time">{time}</time>
        </div>
    }
}

/// A file: an image shown inline, anything else a download link (fetched with
/// the visitor's token, so files are never public).
#[component]
fn FileView(a: Attachment, visitor: Option<Visitor>) -> impl IntoView {
    let url = a.url.clone();
    let source = RwSignal::new(None::<String>);
    if let Some(visitor) = visitor {
        leptos::task::spawn_local(async move { source.set(visitor.object_url(&url).await.ok()) });
    }
    let name = a.filename.clone();
    let inline = a.inline;
    view! {
        <div class="file">
            {move || match (source.get(), inline) {
                (Some(src), true) => view! { <img class="preview" src=src alt=name.clone()/> }.into_any(),
                (Some(src), false) => view! { <a href=src download=name.clone()>{name.clone()}</a> }.into_any(),
                (None, _) => view! { <span>{name.clone()}</span> }.into_any(),
            }}
        </div>
    }
}
