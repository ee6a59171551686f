//! Message formatting: markdown in, sanitized HTML out; placeholders in saved replies.

use pulldown_cmark::{Options, Parser, html};
use std::collections::HashSet;
use std::sync::LazyLock;

/// Renders markdown (bold, italic, lists, code, links, strikethrough) to HTML that
/// is safe to insert into a page: no scripts, styles, images or event handlers;
/// links open in a new tab without leaking the opener or passing rank.
pub fn markdown_to_html(markdown: &str) -> String {
    // Most chat messages are one line of plain words: they render to one escaped
    // paragraph, without parsing markdown or HTML (a test holds both paths equal).
    if is_plain(markdown) {
        return format!("<p>{}</p>\n", markdown.trim());
    }
    let mut raw = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut raw, Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH));
    SANITIZER.clean(&raw).to_string()
}

/// Text that markdown renders as itself in one paragraph and HTML escaping leaves
/// alone: letters, digits, spaces and a few punctuation marks, on one line, not
/// starting like a list item or a heading.
fn is_plain(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | ',' | '.' | ';' | ':' | '?' | '¿' | '¡' | '%' | '/'))
        && !text.starts_with(|c: char| c.is_ascii_digit())
        && !text.contains("  ")
        && !text.contains("://")
}

/// The HTML allowed in messages; built once.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let tags: HashSet<&str> = [
        "p",
        "br",
        "strong",
        "em",
        "del",
        "code",
        "pre",
        "ul",
        "ol",
        "li",
        "a",
        "blockquote",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
    ]
    .into();
    let mut builder = ammonia::Builder::default();
    builder
        .tags(tags)
        .url_schemes(["http", "https", "mailto", "tel"].into())
        .link_rel(Some("noopener noreferrer nofollow"))
        .set_tag_attribute_value("a", "target", "_blank");
    builder
});

/// Escapes text so that markdown shows it literally.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\`*_{}[]()<>#+-.!|~&".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Replaces `{{name}}` placeholders with `values` (escaped for markdown); unknown
/// placeholders stay as they are so that the agent sees them before sending.
pub fn fill_placeholders(template: &str, values: &[(&str, Option<&str>)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = after[..end].trim();
        match values.iter().find(|(k, _)| *k == name) {
            Some((_, value)) => out.push_str(&escape_markdown(value.unwrap_or_default())),
            None => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// A short plain-text preview of a markdown body.
pub fn preview(markdown: &str, max_chars: usize) -> String {
    if is_plain(markdown) {
        return cut(markdown.trim(), max_chars);
    }
    let text: String = Parser::new(markdown)
        .filter_map(|event| match event {
            pulldown_cmark::Event::Text(t) | pulldown_cmark::Event::Code(t) => Some(t.to_string()),
            pulldown_cmark::Event::SoftBreak | pulldown_cmark::Event::HardBreak => Some(" ".into()),
            pulldown_cmark::Event::End(_) => Some(" ".into()),
            _ => None,
        })
        .collect();
    cut(&text.split_whitespace().collect::<Vec<_>>().join(" "), max_chars)
}

fn cut(text: &str, max_chars: usize) -> String {
    if text.chars().count() > max_chars {
        let cut: String = text.chars().take(max_chars).collect();
        format!("{}…", cut.trim_end())
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_renders_as_markdown_would() {
        let samples = [
            "hola, necesito ayuda con mi pedido",
            "¿Dónde está mi canción? ¡Gracias!",
            "order 42 arrived late; refund please.",
            "naïve café, 100% sure",
            "a/b test: which one?",
            "  spaces around  ",
        ];
        for text in samples {
            let mut raw = String::new();
            html::push_html(&mut raw, Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH));
            assert_eq!(markdown_to_html(text), SANITIZER.clean(&raw).to_string(), "{text}");
        }
        for special in ["1. one", "# title", "a  b", "x@y.io", "see http://x.io", "*b*", "a & b", "<i>", "a\nb"] {
            assert!(!is_plain(special), "{special}");
        }
    }

    #[test]
    fn formats_markdown() {
        let html = markdown_to_html("**bold** *it* `code`\n\n- a\n- b\n\n1. one");
        assert!(html.contains("<strong>bold</strong>"));
        assert!(html.contains("<em>it</em>"));
        assert!(html.contains("<code>code</code>"));
        assert!(html.contains("<ul>") && html.contains("<ol>"));
    }

    #[test]
    fn links_open_safely() {
        let html = markdown_to_html("[site](https://example.com)");
        assert!(html.contains(r#"href="https://example.com""#), "{html}");
        assert!(html.contains(r#"target="_blank""#), "{html}");
        assert!(html.contains(r#"rel="noopener noreferrer nofollow""#), "{html}");
    }

    #[test]
    fn strips_scripts_and_dangerous_urls() {
        let html = markdown_to_html(
            "<script>alert(1)</script><img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) <a href=\"javascript:x\">y</a>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(html.contains(">x</a>"), "the safe part of the link stays: {html}");
    }

    #[test]
    fn fills_known_placeholders_and_escapes_values() {
        let out = fill_placeholders(
            "Hi {{contact.name}}, I'm {{ agent.name }}. {{unknown}} {{contact.email}}",
            &[("contact.name", Some("[evil](http://x)")), ("agent.name", Some("Ana")), ("contact.email", None)],
        );
        assert_eq!(out, r"Hi \[evil\]\(http://x\), I'm Ana. {{unknown}} ");
        assert!(!markdown_to_html(&out).contains("<a"));
    }

    #[test]
    fn escaped_entities_stay_literal() {
        assert_eq!(
            markdown_to_html(&escape_markdown("Tom &amp; Jerry &#60;3")),
            "<p>Tom &amp;amp; Jerry &amp;#60;3</p>\n"
        );
    }

    #[test]
    fn unterminated_placeholder_is_kept() {
        assert_eq!(fill_placeholders("a {{b", &[]), "a {{b");
    }

    #[test]
    fn previews_plain_text() {
        assert_eq!(preview("**Hello**\n\nworld `x`", 100), "Hello world x");
        assert_eq!(preview("abcdef", 3), "abc…");
    }
}
