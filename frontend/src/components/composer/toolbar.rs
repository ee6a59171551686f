//! The formatting toolbar: bold, italic, lists, code, link, the saved-replies
//! picker and the file picker.

use crate::i18n::*;
use crate::icons::{self, icon};
use leptos::prelude::*;

/// A markdown wrapper: what goes before and after the selection, and what to
/// write inside when nothing is selected.
pub type Wrapper = (&'static str, &'static str, &'static str);

/// Bold, italic, code and link, with their placeholders in the agent's language.
pub fn wrappers(i18n: leptos_i18n::I18nContext<Locale>) -> [Wrapper; 4] {
    [
        ("**", "**", tu_string!(i18n, composer.bold_text)),
        ("_", "_", tu_string!(i18n, composer.italic_text)),
        ("`", "`", tu_string!(i18n, composer.code_text)),
        ("[", "](https://)", tu_string!(i18n, composer.link_text)),
    ]
}

#[component]
pub fn Toolbar(
    on_wrap: Callback<Wrapper>,
    on_list: Callback<bool>,
    on_saved: Callback<()>,
    on_files: Callback<Vec<web_sys::File>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let file_input = NodeRef::<leptos::html::Input>::new();
    let wrap = move |index: usize| move |_: leptos::ev::MouseEvent| on_wrap.run(wrappers(i18n)[index]);
    let pick_files = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        on_files.run(crate::files::files_of(input.files()));
        input.set_value("");
    };
    view! {
        <div class="toolbar" role="toolbar" aria-label=move || t_string!(i18n, composer.formatting)>
            <button class="tool" id="tool-bold" title=move || t_string!(i18n, composer.bold) aria-label=move || t_string!(i18n, composer.bold) on:click=wrap(0)><b>"B"</b></button>
            <button class="tool" id="tool-italic" title=move || t_string!(i18n, composer.italic) aria-label=move || t_string!(i18n, composer.italic) on:click=wrap(1)><i>"I"</i></button>
            <button class="tool" id="tool-list" title=move || t_string!(i18n, composer.bullets) aria-label=move || t_string!(i18n, composer.bullets) on:click=move |_| on_list.run(false)>"•≡"</button>
            <button class="tool" id="tool-numbers" title=move || t_string!(i18n, composer.numbers) aria-label=move || t_string!(i18n, composer.numbers) on:click=move |_| on_list.run(true)>"1≡"</button>
            <button class="tool" id="tool-code" title=move || t_string!(i18n, composer.code) aria-label=move || t_string!(i18n, composer.code) on:click=wrap(2)><code>"</>"</code></button>
            <button class="tool" id="tool-link" title=move || t_string!(i18n, composer.link) aria-label=move || t_string!(i18n, composer.link) on:click=wrap(3)>{icon(icons::LINK)}</button>
            <span class="tool-gap"></span>
            <button class="tool" id="tool-saved" title=move || t_string!(i18n, composer.saved) aria-label=move || t_string!(i18n, composer.saved) on:click=move |_| on_saved.run(())>{icon(icons::ZAP)}</button>
            <button class="tool" id="tool-attach" title=move || t_string!(i18n, composer.attach) aria-label=move || t_string!(i18n, composer.attach)
                on:click=move |_| if let Some(input) = file_input.get() { input.click() }>{icon(icons::CLIP)}</button>
            <input type="file" multiple id="file-input" class="hidden-input" node_ref=file_input on:change=pick_files/>
        </div>
    }
}
