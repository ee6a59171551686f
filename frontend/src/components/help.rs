//! The `?` overlay listing the keyboard shortcuts.

use crate::i18n::*;
use leptos::prelude::*;

/// The shortcuts, one per row.
#[component]
pub fn Help(on_close: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = move || {
        [
            ("j / ↓", t_string!(i18n, help.next)),
            ("k / ↑", t_string!(i18n, help.previous)),
            ("r", t_string!(i18n, help.reply)),
            ("c", t_string!(i18n, help.comment)),
            ("e", t_string!(i18n, help.close)),
            ("a", t_string!(i18n, help.assign_agent)),
            ("g", t_string!(i18n, help.assign_group)),
            ("l", t_string!(i18n, help.labels)),
            ("s", t_string!(i18n, help.snooze)),
            ("u", t_string!(i18n, help.mark_unread)),
            ("/", t_string!(i18n, help.search)),
            ("Enter", t_string!(i18n, help.send)),
            ("Shift+Enter", t_string!(i18n, help.newline)),
            ("?", t_string!(i18n, help.toggle)),
            ("Esc", t_string!(i18n, help.escape)),
        ]
        .into_iter()
        .map(|(key, what)| view! { <tr><td><kbd>{key}</kbd></td><td>{what.to_owned()}</td></tr> })
        .collect_view()
    };
    view! {
        <div class="overlay" on:click=move |_| on_close.run(())>
            <div class="dialog help" id="help" role="dialog" aria-modal="true" aria-labelledby="help-title"
                on:click=|ev| ev.stop_propagation()>
                <h3 id="help-title">{t!(i18n, help.title)}</h3>
                <table class="shortcuts"><tbody>{rows}</tbody></table>
                <div class="dialog-buttons">
                    <button class="secondary" on:click=move |_| on_close.run(())>{t!(i18n, common.close)}</button>
                </div>
            </div>
        </div>
    }
}
