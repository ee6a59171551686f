//! Settings → Labels (admins): the team's labels with their colours; deleting
//! one takes it off every conversation, so it asks first.

use crate::api::Authed;
use crate::components::confirm::Confirm;
use crate::i18n::*;
use crate::store::Store;
use leptos::prelude::*;
use shared::LabelId;
use shared::api::LabelInput;

async fn refresh(api: Authed, store: Store) {
    if let Ok(page) = api.labels().await {
        store.labels.set(page.items);
    }
}

/// The labels section of the settings page.
#[component]
pub fn LabelsSection() -> impl IntoView {
    let api = expect_context::<Authed>();
    let store = expect_context::<Store>();
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let color = RwSignal::new("#6d4aff".to_owned());
    let error = RwSignal::new(None::<String>);
    let deleting = RwSignal::new(None::<LabelId>);
    leptos::task::spawn_local(refresh(api, store));
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = LabelInput { name: name.get_untracked(), color: color.get_untracked() };
        leptos::task::spawn_local(async move {
            match api.create_label(&input).await {
                Ok(_) => {
                    error.set(None);
                    name.set(String::new());
                    refresh(api, store).await;
                }
                Err(f) => error.set(Some(f.message)),
            }
        });
    };
    let delete = Callback::new(move |_: ()| {
        let Some(id) = deleting.get_untracked() else { return };
        deleting.set(None);
        leptos::task::spawn_local(async move {
            match api.delete_label(id).await {
                Ok(()) => refresh(api, store).await,
                Err(f) => error.set(Some(f.message)),
            }
        });
    });
    view! {
        <section class="settings-section" id="settings-labels">
            <h2>{t!(i18n, settings.labels)}</h2>
            {move || store.labels.get().into_iter().map(|l| {
                let id = l.id;
                view! {
                    <div class="group-row label-row" data-label=l.id.to_string()>
                        <span class="label-chip" style=format!("--label:{}", l.color)>{l.name.clone()}</span>
                        <span class="spacer"></span>
                        <button class="link danger" on:click=move |_| deleting.set(Some(id))>{t!(i18n, common.delete)}</button>
                    </div>
                }
            }).collect_view()}
            <form class="inline-form" on:submit=create>
                <input id="label-name" type="text" required maxlength="50" placeholder=move || t_string!(i18n, settings.label_name) bind:value=name/>
                <input id="label-color" type="color" aria-label=move || t_string!(i18n, settings.label_color) bind:value=color/>
                <button type="submit" class="primary">{t!(i18n, settings.add_label)}</button>
            </form>
            <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            <Show when=move || deleting.with(Option::is_some)>
                <Confirm title=Signal::derive(move || t_string!(i18n, settings.delete_label_title).to_owned())
                    body=Signal::derive(move || t_string!(i18n, settings.delete_label_body).to_owned())
                    confirm=Signal::derive(move || t_string!(i18n, common.delete).to_owned())
                    on_confirm=delete on_cancel=Callback::new(move |_| deleting.set(None))/>
            </Show>
        </section>
    }
}
