//! Settings → Chat widget (admins): its look, contact form, the sites allowed to
//! embed it (with a warning while any site may), the snippet, and the identity
//! secret with its rotation.

use crate::api::Authed;
use crate::components::confirm::Confirm;
use crate::i18n::*;
use leptos::prelude::*;
use shared::api::{AskContact, UpdateWidgetSettings, WidgetPosition, WidgetSettings};

fn ask_value(ask: AskContact) -> &'static str {
    match ask {
        AskContact::Before => "before",
        AskContact::After => "after",
        AskContact::Never => "never",
    }
}

/// The widget's settings section.
#[component]
pub fn WidgetSection() -> impl IntoView {
    let api = expect_context::<Authed>();
    let i18n = use_i18n();
    let team_name = RwSignal::new(String::new());
    let greeting = RwSignal::new(String::new());
    let color = RwSignal::new("#6d4aff".to_owned());
    let left = RwSignal::new(false);
    let ask = RwSignal::new("after".to_owned());
    let origins = RwSignal::new(String::new());
    let settings = RwSignal::new(None::<WidgetSettings>);
    let note = RwSignal::new(None::<Result<String, String>>);
    let show = move |s: WidgetSettings| {
        team_name.set(s.team_name.clone());
        greeting.set(s.greeting.clone());
        color.set(s.color.clone());
        left.set(s.position == WidgetPosition::Left);
        ask.set(ask_value(s.ask_contact).into());
        origins.set(s.allowed_origins.join("\n"));
        settings.set(Some(s));
    };
    leptos::task::spawn_local(async move {
        if let Ok(s) = api.widget_settings().await {
            show(s);
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let change = UpdateWidgetSettings {
            team_name: Some(team_name.get_untracked()),
            greeting: Some(greeting.get_untracked()),
            color: Some(color.get_untracked()),
            position: Some(if left.get_untracked() { WidgetPosition::Left } else { WidgetPosition::Right }),
            ask_contact: Some(match ask.get_untracked().as_str() {
                "before" => AskContact::Before,
                "never" => AskContact::Never,
                _ => AskContact::After,
            }),
            allowed_origins: Some(
                origins.get_untracked().lines().map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).collect(),
            ),
        };
        leptos::task::spawn_local(async move {
            match api.update_widget_settings(&change).await {
                Ok(saved) => {
                    show(saved);
                    note.set(Some(Ok(t_string!(i18n, contact.saved).to_owned())));
                }
                Err(f) => note.set(Some(Err(f.message))),
            }
        });
    };
    let origin = window().location().origin().unwrap_or_default();
    let snippet = move || {
        format!(
            "<script>window.natter=window.natter||function(){{(window.natter.q=window.natter.q||[]).push(arguments)}};</script>\n<script src=\"{origin}/widget.js\" data-site-key=\"{}\" async></script>",
            settings.with(|s| s.as_ref().map(|s| s.site_key.clone()).unwrap_or_default())
        )
    };
    // Warn about what is saved, not about the text being typed.
    let any_site = move || settings.with(|s| s.as_ref().is_some_and(|s| s.allowed_origins.is_empty()));
    view! {
        <section class="settings-section" id="settings-widget">
            <h2>{t!(i18n, settings.widget)}</h2>
            <form class="widget-form" on:submit=save>
                <div class="row">
                    <label class="field grow"><span>{t!(i18n, settings.team_name)}</span>
                        <input id="widget-team" type="text" required bind:value=team_name/></label>
                    <label class="field"><span>{t!(i18n, settings.color)}</span>
                        <input id="widget-color" type="color" bind:value=color/></label>
                    <label class="field"><span>{t!(i18n, settings.position)}</span>
                        <select id="widget-position" on:change=move |ev| left.set(event_target_value(&ev) == "left")
                            prop:value=move || if left.get() { "left" } else { "right" }>
                            <option value="right">{t!(i18n, settings.right)}</option>
                            <option value="left">{t!(i18n, settings.left)}</option>
                        </select></label>
                    <label class="field"><span>{t!(i18n, settings.ask_contact)}</span>
                        <select id="widget-ask" bind:value=ask>
                            <option value="before">{t!(i18n, settings.ask_before)}</option>
                            <option value="after">{t!(i18n, settings.ask_after)}</option>
                            <option value="never">{t!(i18n, settings.ask_never)}</option>
                        </select></label>
                </div>
                <label class="field"><span>{t!(i18n, settings.greeting)}</span>
                    <textarea id="widget-greeting" rows="2" bind:value=greeting></textarea></label>
                <Show when=any_site>
                    <p class="notice warning" id="origins-warning" role="status">{t!(i18n, settings.origins_warning)}</p>
                </Show>
                <label class="field"><span>{t!(i18n, settings.allowed_origins)}</span>
                    <textarea id="widget-origins" rows="3" placeholder="https://shop.example" bind:value=origins></textarea></label>
                <div class="dialog-buttons">
                    {move || note.get().map(|n| match n {
                        Ok(m) => view! { <span class="saved">{m}</span> }.into_any(),
                        Err(m) => view! { <span class="error">{m}</span> }.into_any(),
                    })}
                    <button type="submit" id="widget-save" class="primary">{t!(i18n, common.save)}</button>
                </div>
            </form>
            <h3 class="sub">{t!(i18n, settings.snippet)}</h3>
            <p class="muted">{t!(i18n, settings.snippet_help)}</p>
            <pre class="snippet"><code id="widget-snippet">{snippet}</code></pre>
            <IdentitySecret settings=settings/>
        </section>
    }
}

/// The identity secret, and its rotation after a confirmation.
#[component]
fn IdentitySecret(settings: RwSignal<Option<WidgetSettings>>) -> impl IntoView {
    let api = expect_context::<Authed>();
    let i18n = use_i18n();
    let asking = RwSignal::new(false);
    let note = RwSignal::new(None::<Result<String, String>>);
    let rotate = Callback::new(move |()| {
        asking.set(false);
        leptos::task::spawn_local(async move {
            match api.rotate_identity_secret().await {
                Ok(rotated) => {
                    settings.set(Some(rotated));
                    note.set(Some(Ok(t_string!(i18n, settings.secret_rotated).to_owned())));
                }
                Err(f) => note.set(Some(Err(f.message))),
            }
        });
    });
    let secret = move || settings.with(|s| s.as_ref().map(|s| s.identity_secret.clone()).unwrap_or_default());
    view! {
        <h3 class="sub">{t!(i18n, settings.identity)}</h3>
        <p class="muted">{t!(i18n, settings.identity_help)}</p>
        <code class="secret" id="identity-secret">{secret}</code>
        <div class="dialog-buttons">
            {move || note.get().map(|n| match n {
                Ok(m) => view! { <span class="saved" id="secret-rotated">{m}</span> }.into_any(),
                Err(m) => view! { <span class="error">{m}</span> }.into_any(),
            })}
            <button type="button" id="rotate-secret" class="secondary" on:click=move |_| asking.set(true)>
                {t!(i18n, settings.rotate_secret)}</button>
        </div>
        <Show when=move || asking.get()>
            <Confirm
                title=Signal::derive(move || t_string!(i18n, settings.rotate_title).to_owned())
                body=Signal::derive(move || t_string!(i18n, settings.rotate_body).to_owned())
                confirm=Signal::derive(move || t_string!(i18n, settings.rotate_secret).to_owned())
                on_confirm=rotate
                on_cancel=Callback::new(move |()| asking.set(false))/>
        </Show>
    }
}
