//! A modal question before something that can't be undone.

use crate::i18n::*;
use leptos::prelude::*;

/// Asks `title`/`body` (with any choices as children); Enter or the red button
/// confirms, Escape or Cancel doesn't.
#[component]
pub fn Confirm(
    #[prop(into)] title: Signal<String>,
    #[prop(into)] body: Signal<String>,
    #[prop(into)] confirm: Signal<String>,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let i18n = use_i18n();
    let button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(b) = button.get() {
            let _ = b.focus();
        }
    });
    view! {
        <div class="overlay" on:click=move |_| on_cancel.run(())>
            <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="dialog-title"
                on:click=|ev| ev.stop_propagation()
                on:keydown=move |ev| if ev.key() == "Escape" { on_cancel.run(()) }>
                <h3 id="dialog-title">{title}</h3>
                <p>{body}</p>
                {children.map(|c| c())}
                <div class="dialog-buttons">
                    <button id="dialog-cancel" class="secondary" on:click=move |_| on_cancel.run(())>{t!(i18n, common.cancel)}</button>
                    <button id="dialog-confirm" class="danger" node_ref=button on:click=move |_| on_confirm.run(())>{confirm}</button>
                </div>
            </div>
        </div>
    }
}
