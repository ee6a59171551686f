//! The chat's words in the visitor's language: the browser's first language we
//! have (English or Spanish), else English. Generated from the catalogues'
//! `widget` sections by `build.rs`.

include!(concat!(env!("OUT_DIR"), "/widget_words.rs"));

thread_local! {
    static CHOSEN: std::cell::Cell<Option<&'static Words>> = const { std::cell::Cell::new(None) };
}

/// The language to speak, given the browser's preferences (`navigator.languages`).
pub fn language<'a>(preferred: impl IntoIterator<Item = &'a str>) -> &'static str {
    for tag in preferred {
        let primary = tag.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        match primary.as_str() {
            "en" => return "en",
            "es" => return "es",
            _ => {}
        }
    }
    "en"
}

/// The chat's words (chosen once, and the page's `lang` set to match).
pub fn words() -> &'static Words {
    if let Some(words) = CHOSEN.get() {
        return words;
    }
    let window = web_sys::window();
    let preferred: Vec<String> = window
        .as_ref()
        .map(|w| w.navigator().languages().iter().filter_map(|l| l.as_string()).collect())
        .unwrap_or_default();
    let code = language(preferred.iter().map(String::as_str));
    if let Some(root) = window.and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", code);
    }
    let words = if code == "es" { &ES } else { &EN };
    CHOSEN.set(Some(words));
    words
}

#[cfg(test)]
mod tests {
    use super::language;

    #[test]
    fn the_first_known_language_wins() {
        assert_eq!(language(["es-ES", "en"]), "es");
        assert_eq!(language(["fr-FR", "es_MX", "en"]), "es");
        assert_eq!(language(["de", "en-GB"]), "en");
        assert_eq!(language(["de", "fr"]), "en", "English when none is known");
        assert_eq!(language([]), "en");
        assert_eq!(super::ES.send, "Enviar");
    }
}
