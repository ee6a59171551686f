//! Line icons drawn inline (no icon font or emoji, so they look the same everywhere).

use leptos::prelude::*;

pub const CHAT: &str = r#"<path d="M21 12a8 8 0 0 1-11.6 7.1L3 21l1.9-6.4A8 8 0 1 1 21 12z"/>"#;
pub const GLOBE: &str =
    r#"<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3a14 14 0 0 1 0 18M12 3a14 14 0 0 0 0 18"/>"#;
pub const CONTACTS: &str = r#"<rect x="3" y="4" width="18" height="16" rx="2"/><circle cx="10" cy="11" r="2.5"/><path d="M6 17a4 4 0 0 1 8 0M16 9h3M16 13h3"/>"#;
pub const ZAP: &str = r#"<path d="M13 2L3 14h9l-1 8 10-12h-9z"/>"#;
pub const SETTINGS: &str = r#"<path d="M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1"/><circle cx="15" cy="6" r="2"/><circle cx="9" cy="12" r="2"/><circle cx="17" cy="18" r="2"/>"#;
pub const CHECK: &str = r#"<path d="M20 6L9 17l-5-5"/>"#;
pub const REOPEN: &str = r#"<path d="M1 4v6h6"/><path d="M3.5 15a9 9 0 1 0 2.1-9.4L1 10"/>"#;
pub const BAN: &str = r#"<circle cx="12" cy="12" r="9"/><path d="M5.6 5.6l12.8 12.8"/>"#;
pub const TRASH: &str = r#"<path d="M3 6h18M19 6l-1 14H6L5 6M10 11v6M14 11v6M9 6V4h6v2"/>"#;
pub const GROUP: &str = r#"<circle cx="9" cy="8" r="4"/><path d="M1 21v-1a7 7 0 0 1 14 0v1M16 3.5a4 4 0 0 1 0 9M23 21v-1a7 7 0 0 0-4-6.3"/>"#;
pub const AGENT: &str = r#"<circle cx="12" cy="8" r="4"/><path d="M4 21v-1a8 8 0 0 1 16 0v1"/>"#;
pub const CLIP: &str =
    r#"<path d="M21 11l-8.5 8.5a5 5 0 0 1-7-7L14 4a3.5 3.5 0 0 1 5 5l-8.6 8.6a2 2 0 0 1-2.8-2.8L15.5 7"/>"#;
pub const LINK: &str =
    r#"<path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1"/>"#;
pub const FILE: &str = r#"<path d="M14 3H6a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9z"/><path d="M14 3v6h6"/>"#;
pub const SEND: &str = r#"<path d="M22 2L11 13M22 2l-7 20-4-9-9-4z"/>"#;
pub const MINUS: &str = r#"<path d="M5 12h14"/>"#;
pub const TAG: &str = r#"<path d="M20.6 13.4l-7.2 7.2a2 2 0 0 1-2.8 0L3 13V3h10l7.6 7.6a2 2 0 0 1 0 2.8z"/><circle cx="8" cy="8" r="1.5"/>"#;
pub const CLOCK: &str = r#"<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>"#;
pub const UNREAD: &str = r#"<path d="M21 12a8 8 0 0 1-11.6 7.1L3 21l1.9-6.4A8 8 0 0 1 14 4.3"/><circle cx="19" cy="5" r="3" fill="currentColor"/>"#;
pub const CHART: &str = r#"<path d="M4 20V10M10 20V4M16 20v-7M22 20H2"/>"#;
pub const MAIL: &str = r#"<rect x="3" y="5" width="18" height="14" rx="2"/><path d="M3 7l9 6 9-6"/>"#;

/// An icon (decorative: the button around it carries the accessible name).
pub fn icon(paths: &'static str) -> impl IntoView {
    view! { <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" inner_html=paths></svg> }
}
