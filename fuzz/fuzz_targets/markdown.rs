//! Message rendering: sanitized HTML, previews, escaping and placeholders.
//!
//! Input: byte 0 the preview length; the rest the message (UTF-8, lossily).
#![no_main]

#[path = "../../backend/src/domain/render.rs"]
mod render;

use libfuzzer_sys::fuzz_target;
use render::{escape_markdown, fill_placeholders, markdown_to_html, preview};

/// Elements the renderer promises never to emit: scripts, styles, images, embeds, forms.
const FORBIDDEN: [&str; 14] = [
    "script", "style", "img", "image", "svg", "math", "iframe", "frame", "object", "embed", "link", "meta", "base",
    "form",
];

/// The URL schemes links may use (the renderer's allow-list).
const SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

fuzz_target!(|data: &[u8]| {
    let Some((&max, text)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(text);
    let max = usize::from(max);

    safe_html(&markdown_to_html(&text));

    let short = preview(&text, max);
    let chars = short.chars().count();
    assert!(chars <= max + 1, "{chars} chars for a preview of {max}");
    assert!(chars <= max || short.ends_with('…'), "cut without an ellipsis: {short:?}");
    assert!(!short.contains("  ") && short.trim() == short, "{short:?}");
    assert!(!short.chars().any(|c| c.is_whitespace() && c != ' '), "{short:?}");

    let escaped = escape_markdown(&text);
    literal(&text, &markdown_to_html(&escaped));
    let values = [("x", Some(text.as_ref())), ("y", None)];
    assert_eq!(fill_placeholders("{{ x }}{{y}}", &values), escaped);
    safe_html(&markdown_to_html(&fill_placeholders(&text, &values)));
});

/// Escaped text shows as itself: no links, emphasis, headings, lists or HTML, and
/// the same characters (for one line not indented: the spaces around it are
/// markdown's, and a line indented by 4 columns is code). Line breaks are markdown's
/// own: a value of several lines may become several blocks, which `safe_html` covers.
fn literal(text: &str, html: &str) {
    safe_html(html);
    if text.contains(['\n', '\r']) || text.contains(|c: char| c.is_control() && c != '\t') {
        return;
    }
    let (names, shown) = parse(html);
    assert!(
        names.iter().all(|n| ["p", "/p", "pre", "/pre", "code", "/code"].contains(&n.as_str())),
        "{text:?} → {html:?}"
    );
    // Indented code shows its text raw, the escapes too.
    if indent(text) < 4 {
        assert_eq!(shown.trim_matches([' ', '\t']), text.trim_matches([' ', '\t']), "{text:?} → {html:?}");
    }
}

/// The columns a line starts indented by (a tab reaches the next multiple of 4).
fn indent(line: &str) -> usize {
    let mut columns = 0;
    for c in line.chars() {
        match c {
            ' ' => columns += 1,
            '\t' => columns = columns / 4 * 4 + 4,
            _ => break,
        }
    }
    columns
}

/// No forbidden elements, no event handlers or inline styles, links only to the
/// allowed schemes and opening safely.
fn safe_html(html: &str) {
    assert!(!html.to_ascii_lowercase().contains("<script"), "{html}");
    for tag in tags(html) {
        let name = tag.name.trim_start_matches('/');
        assert!(!FORBIDDEN.contains(&name), "<{name}> in {html}");
        for (attr, value) in &tag.attrs {
            assert!(!attr.starts_with("on") && attr != "style", "{attr}= in {html}");
            // As the URL standard reads it: C0 controls and spaces around it dropped,
            // tabs and line breaks dropped anywhere.
            let url = value.trim_matches(|c: char| c <= ' ').replace(['\t', '\n', '\r'], "").to_ascii_lowercase();
            for scheme in ["javascript:", "vbscript:", "data:"] {
                assert!(!url.starts_with(scheme), "{attr}={value:?} in {html}");
            }
            if attr == "href" {
                assert!(scheme(&url).is_none_or(|s| SCHEMES.contains(&s)), "href={value:?} in {html}");
            }
        }
        if name == "a" && !tag.name.starts_with('/') && tag.attr("href").is_some() {
            assert_eq!(tag.attr("target"), Some("_blank"), "{html}");
            assert_eq!(tag.attr("rel"), Some("noopener noreferrer nofollow"), "{html}");
        }
    }
}

/// A URL's scheme, as a browser reads it (RFC 3986: a letter, then letters, digits,
/// `+`, `-` or `.`); none for a relative URL.
fn scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

struct Tag {
    /// Lowercase, with a leading `/` for an end tag.
    name: String,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(a, _)| a == name).map(|(_, v)| v.as_str())
    }
}

fn tags(html: &str) -> Vec<Tag> {
    parse_tags(html).0
}

/// The tag names and the text (entities decoded) of serialized HTML.
fn parse(html: &str) -> (Vec<String>, String) {
    let (tags, text) = parse_tags(html);
    (tags.into_iter().map(|t| t.name).collect(), text.trim_end_matches('\n').to_owned())
}

/// Reads HTML as the sanitizer serializes it: text escapes `<`, attribute values are
/// double-quoted. Anything else is a broken serialization and fails the target.
fn parse_tags(html: &str) -> (Vec<Tag>, String) {
    let mut tags = Vec::new();
    let mut text = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        rest = &rest[open + 1..];
        let end = rest.find(|c: char| c.is_ascii_whitespace() || c == '>').unwrap_or(rest.len());
        let mut tag = Tag { name: rest[..end].to_ascii_lowercase(), attrs: Vec::new() };
        rest = &rest[end..];
        loop {
            rest = rest.trim_start();
            if let Some(after) = rest.strip_prefix('>') {
                rest = after;
                break;
            }
            assert!(!rest.is_empty(), "unterminated tag in {html}");
            let end = rest.find(['=', ' ', '>']).unwrap_or(rest.len());
            let name = rest[..end].to_ascii_lowercase();
            rest = &rest[end..];
            let value = match rest.strip_prefix("=\"") {
                Some(after) => {
                    let close = after.find('"').unwrap_or_else(|| panic!("unquoted attribute in {html}"));
                    rest = &after[close + 1..];
                    decode(&after[..close])
                }
                None => String::new(),
            };
            tag.attrs.push((name, value));
        }
        tags.push(tag);
    }
    text.push_str(rest);
    (tags, decode(&text))
}

/// The entities html5ever's serializer writes.
fn decode(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}
