//! Text editing in the composer, as pure functions over the text and the
//! selection (in characters): the component applies the result to the textarea.

/// Text after an edit, and what to select in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub text: String,
    pub selection: (usize, usize),
}

fn chars(text: &str) -> Vec<char> {
    text.chars().collect()
}

fn join(chars: &[char]) -> String {
    chars.iter().collect()
}

/// A selection clamped into the text, start before end.
fn clamp(len: usize, start: usize, end: usize) -> (usize, usize) {
    let start = start.min(len);
    (start, end.min(len).max(start))
}

/// Wraps the selection in `before`/`after` (a placeholder when nothing is
/// selected), selecting what is inside.
pub fn wrap(text: &str, selection: (usize, usize), before: &str, after: &str, placeholder: &str) -> Edit {
    let chars = chars(text);
    let (start, end) = clamp(chars.len(), selection.0, selection.1);
    let selected = join(&chars[start..end]);
    let inner = if selected.is_empty() { placeholder.to_owned() } else { selected };
    let text = format!("{}{before}{inner}{after}{}", join(&chars[..start]), join(&chars[end..]));
    let from = start + before.chars().count();
    Edit { text, selection: (from, from + inner.chars().count()) }
}

/// Starts each line the selection touches with "- ", or "1. ", "2. "… when `numbered`.
pub fn prefix_lines(text: &str, selection: (usize, usize), numbered: bool) -> Edit {
    let chars = chars(text);
    let (start, end) = clamp(chars.len(), selection.0, selection.1);
    let line_start = chars[..start].iter().rposition(|c| *c == '\n').map_or(0, |i| i + 1);
    let lines: Vec<String> = join(&chars[line_start..end])
        .split('\n')
        .enumerate()
        .map(|(i, line)| if numbered { format!("{}. {line}", i + 1) } else { format!("- {line}") })
        .collect();
    let body = lines.join("\n");
    let caret = line_start + body.chars().count();
    Edit { text: format!("{}{body}{}", join(&chars[..line_start]), join(&chars[end..])), selection: (caret, caret) }
}

/// The `/word` being typed at the caret, if any: where it starts, and the word.
pub fn slash_word(text: &str, caret: usize) -> Option<(usize, String)> {
    let chars = chars(text);
    let caret = caret.min(chars.len());
    let start = chars[..caret].iter().rposition(|c| c.is_whitespace()).map_or(0, |i| i + 1);
    (chars.get(start) == Some(&'/')).then(|| (start, join(&chars[start + 1..caret])))
}

/// Puts `inserted` at the caret, in place of the `/word` typed there if any.
pub fn insert_at_caret(text: &str, caret: usize, inserted: &str) -> Edit {
    let chars = chars(text);
    let caret = caret.min(chars.len());
    let from = slash_word(text, caret).map_or(caret, |(start, _)| start);
    let text = format!("{}{inserted}{}", join(&chars[..from]), join(&chars[caret..]));
    let at = from + inserted.chars().count();
    Edit { text, selection: (at, at) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(text: &str, selection: (usize, usize)) -> Edit {
        Edit { text: text.into(), selection }
    }

    #[test]
    fn wrapping_selects_what_is_inside() {
        assert_eq!(wrap("say hello now", (4, 9), "**", "**", "bold"), edit("say **hello** now", (6, 11)));
        assert_eq!(wrap("say ", (4, 4), "_", "_", "italic"), edit("say _italic_", (5, 11)));
        assert_eq!(wrap("ñandú", (0, 5), "`", "`", "code"), edit("`ñandú`", (1, 6)), "counts characters, not bytes");
        assert_eq!(wrap("ab", (9, 3), "[", "](https://)", "link"), edit("ab[link](https://)", (3, 7)), "clamped");
    }

    #[test]
    fn lists_prefix_every_touched_line() {
        assert_eq!(prefix_lines("intro\none\ntwo", (8, 13), false), edit("intro\n- one\n- two", (17, 17)));
        assert_eq!(prefix_lines("a\nb", (0, 3), true), edit("1. a\n2. b", (9, 9)));
        assert_eq!(prefix_lines("", (0, 0), false), edit("- ", (2, 2)));
    }

    #[test]
    fn slash_words_are_found_at_the_caret() {
        assert_eq!(slash_word("hi /gree", 8), Some((3, "gree".into())));
        assert_eq!(slash_word("/", 1), Some((0, String::new())));
        assert_eq!(slash_word("hi /gree there", 14), None);
        assert_eq!(slash_word("a/b", 3), None, "only at a word's start");
    }

    #[test]
    fn a_saved_reply_replaces_its_shortcut() {
        assert_eq!(insert_at_caret("hi /gre!", 7, "Hello, Ana"), edit("hi Hello, Ana!", (13, 13)));
        assert_eq!(insert_at_caret("hi ", 3, "Thanks"), edit("hi Thanks", (9, 9)));
    }
}
