//! Settings → Blocked addresses: where new visitor sessions are refused from
//! (blocked with a ban), with unblock.

use crate::api::Authed;
use crate::i18n::*;
use leptos::prelude::*;

/// The blocked addresses section of the settings page.
#[component]
pub fn BlockedSection() -> impl IntoView {
    let api = expect_context::<Authed>();
    let i18n = use_i18n();
    let blocked =
        LocalResource::new(move || async move { api.blocked_addresses().await.map(|p| p.items).unwrap_or_default() });
    let error = RwSignal::new(None::<String>);
    let unblock = move |address: String| {
        leptos::task::spawn_local(async move {
            match api.unblock_address(&address).await {
                Ok(()) => blocked.refetch(),
                Err(f) => error.set(Some(f.message)),
            }
        })
    };
    view! {
        <section class="settings-section" id="settings-blocked">
            <h2>{t!(i18n, settings.blocked)}</h2>
            <p class="muted">{t!(i18n, settings.blocked_help)}</p>
            <table class="table">
                <thead><tr><th>{t!(i18n, settings.address)}</th><th>{t!(i18n, settings.blocked_at)}</th><th></th></tr></thead>
                <tbody>
                    {move || blocked.get().unwrap_or_default().into_iter().map(|b| {
                        let address = b.address.clone();
                        view! {
                            <tr data-address=b.address.clone()>
                                <td><code>{b.address.clone()}</code></td>
                                <td>{crate::format::full(b.created_at)}</td>
                                <td class="row-actions"><button class="link unblock" on:click=move |_| unblock(address.clone())>{t!(i18n, settings.unblock)}</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <Show when=move || blocked.get().is_some_and(|b| b.is_empty())>
                <p class="empty">{t!(i18n, settings.none_blocked)}</p>
            </Show>
            <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
        </section>
    }
}
