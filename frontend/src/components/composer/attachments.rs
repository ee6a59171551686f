//! Files waiting to go with the next message: each uploads at once with a
//! progress bar and can be removed; files over the limit are refused before
//! any byte is sent.

use crate::api::Authed;
use crate::files::{self, human_size};
use crate::i18n::*;
use leptos::prelude::*;
use shared::AttachmentId;

/// One file in the composer.
#[derive(Clone, Debug, PartialEq)]
pub struct Upload {
    pub key: u32,
    pub name: String,
    pub size: f64,
    pub progress: f64,
    pub id: Option<AttachmentId>,
    pub error: Option<String>,
}

/// The composer's files.
#[derive(Clone, Copy)]
pub struct Uploads {
    items: RwSignal<Vec<Upload>>,
    next_key: StoredValue<u32>,
}

impl Uploads {
    pub fn new() -> Self {
        Self { items: RwSignal::new(Vec::new()), next_key: StoredValue::new(0) }
    }

    fn add(&self, name: String, size: f64, error: Option<String>) -> u32 {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        self.items.update(|i| i.push(Upload { key, name, size, progress: 0.0, id: None, error }));
        key
    }

    fn change(&self, key: u32, f: impl FnOnce(&mut Upload)) {
        self.items.update(|i| {
            if let Some(u) = i.iter_mut().find(|u| u.key == key) {
                f(u);
            }
        });
    }

    fn remove(&self, key: u32) {
        self.items.update(|i| i.retain(|u| u.key != key));
    }

    /// Whether a file is still uploading.
    pub fn busy(&self) -> bool {
        self.items.with_untracked(|i| i.iter().any(|u| u.id.is_none() && u.error.is_none()))
    }

    pub fn busy_tracked(&self) -> bool {
        self.items.with(|i| i.iter().any(|u| u.id.is_none() && u.error.is_none()))
    }

    /// Whether no file is listed (uploading, ready or refused).
    pub fn is_empty(&self) -> bool {
        self.items.with_untracked(Vec::is_empty)
    }

    pub fn is_empty_tracked(&self) -> bool {
        self.items.with(Vec::is_empty)
    }

    /// The uploaded files' ids, to attach.
    pub fn ready_ids(&self) -> Vec<AttachmentId> {
        self.items.with_untracked(|i| i.iter().filter_map(|u| u.id).collect())
    }

    pub fn clear(&self) {
        self.items.set(Vec::new());
    }
}

/// Checks and uploads `files`, each on its own with its own progress; a file
/// over `limit` bytes (the server's) is refused at once.
pub fn start_uploads(
    api: Authed,
    uploads: Uploads,
    files: Vec<web_sys::File>,
    limit: u64,
    i18n: leptos_i18n::I18nContext<Locale>,
) {
    for file in files {
        let size = file.size();
        if size > limit as f64 {
            let message = format!("{} {}", t_string!(i18n, composer.too_large), human_size(limit as f64));
            uploads.add(file.name(), size, Some(message));
            continue;
        }
        let key = uploads.add(file.name(), size, None);
        leptos::task::spawn_local(async move {
            let token = match api.access_token().await {
                Ok(token) => token,
                Err(f) => return uploads.change(key, |u| u.error = Some(f.message)),
            };
            let progress = move |p: f64| uploads.change(key, |u| u.progress = p);
            match files::upload("/api/v1/attachments", &token, &file, progress).await {
                Ok(attachment) => uploads.change(key, |u| {
                    u.progress = 1.0;
                    u.id = Some(attachment.id);
                }),
                Err(f) => uploads.change(key, |u| u.error = Some(f.message)),
            }
        });
    }
}

/// The files with their progress bars and remove buttons.
#[component]
pub fn UploadList(uploads: Uploads) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="uploads" id="uploads">
            <For each=move || uploads.items.get() key=|u| (u.key, (u.progress * 100.0) as u32, u.id, u.error.clone()) let:u>
                <li class="upload" class:failed=u.error.is_some() class:done=u.id.is_some() data-name=u.name.clone()>
                    <span class="upload-name">{u.name.clone()}</span>
                    <span class="muted small">{human_size(u.size)}</span>
                    {match &u.error {
                        Some(e) => view! { <span class="error small" role="alert">{e.clone()}</span> }.into_any(),
                        None => view! {
                            <progress max="100" value=(u.progress * 100.0).round().to_string()
                                aria-label=t_string!(i18n, composer.uploading)></progress>
                        }.into_any(),
                    }}
                    <button class="icon-button small remove-upload" aria-label=move || t_string!(i18n, composer.remove_file)
                        title=move || t_string!(i18n, composer.remove_file) on:click=move |_| uploads.remove(u.key)>"×"</button>
                </li>
            </For>
        </ul>
    }
}
