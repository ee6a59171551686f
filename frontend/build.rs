//! Rebuild when a catalogue changes (the inbox's i18n macro reads `locales/` but
//! can't tell cargo), and turn the catalogues' `widget` sections into plain
//! constants for the visitor's chat: it needs eighteen phrases, not a
//! localisation framework in its bundle.

use std::fmt::Write as _;

const LOCALES: [&str; 2] = ["en", "es"];

fn section(locale: &str) -> serde_json::Map<String, serde_json::Value> {
    let path = format!("locales/{locale}.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let catalogue: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    catalogue["widget"].as_object().cloned().unwrap_or_else(|| panic!("{path} has no `widget` section"))
}

fn main() {
    println!("cargo::rerun-if-changed=locales");
    let english = section("en");
    let mut out = String::from(
        "/// The chat's words in one language (from `locales/*.json`, section `widget`).\npub struct Words {\n",
    );
    for key in english.keys() {
        let _ = writeln!(out, "    pub {key}: &'static str,");
    }
    out.push_str("}\n");
    for locale in LOCALES {
        let words = section(locale);
        let _ = writeln!(out, "pub const {}: Words = Words {{", locale.to_uppercase());
        for key in english.keys() {
            let text = words[key].as_str().unwrap_or_else(|| panic!("{locale}.json: widget.{key} is missing"));
            let _ = writeln!(out, "    {key}: {text:?},");
        }
        out.push_str("};\n");
    }
    let dir = std::env::var("OUT_DIR").unwrap_or_else(|e| panic!("OUT_DIR: {e}"));
    std::fs::write(format!("{dir}/widget_words.rs"), out).unwrap_or_else(|e| panic!("widget_words.rs: {e}"));
}
