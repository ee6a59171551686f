//! Counts of the calls that get someone's attention (chimes, desktop
//! notifications) on the page's root element, `data-chimes="2"`: browser tests
//! read them, since a sound can't be heard and a notification may not be shown
//! in a headless browser.

/// Adds one to the root element's `data-<name>`.
pub fn count(name: &str) {
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else { return };
    let attribute = format!("data-{name}");
    let now = root.get_attribute(&attribute).and_then(|v| v.parse::<u32>().ok()).unwrap_or(0);
    let _ = root.set_attribute(&attribute, &(now + 1).to_string());
}
