//! The emails' words: plain text and HTML from the same parts, every value escaped.

use super::Outgoing;
use shared::api::{VisitorMessage, VisitorMessageKind};

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn html_page(title: &str, inner: &str) -> String {
    format!(
        "<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5;color:#222\">\
         <h2 style=\"font-size:18px\">{}</h2>{inner}</body></html>",
        escape(title)
    )
}

/// Who wrote a message, as the visitor reads it.
fn author(message: &VisitorMessage, team: &str) -> String {
    match message.kind {
        VisitorMessageKind::Visitor => "You".into(),
        VisitorMessageKind::Agent => message.author_name.clone().unwrap_or_else(|| team.to_owned()),
    }
}

/// The agents' replies to a visitor who left, with the recent thread as the
/// visitor sees it (never comments or system notes: they are not visitor messages).
pub fn replies(
    team: &str,
    to: &str,
    to_name: Option<String>,
    thread: &[VisitorMessage],
    reply_to: Option<String>,
) -> Outgoing {
    let mut text = format!("{team} answered you:\n\n");
    let mut html = String::new();
    for message in thread {
        let who = author(message, team);
        text.push_str(&format!("{who}:\n{}\n\n", message.body));
        html.push_str(&format!(
            "<p><strong>{}</strong><br>{}</p>",
            escape(&who),
            escape(&message.body).replace('\n', "<br>")
        ));
    }
    let footer = if reply_to.is_some() { "Answer this email to reply." } else { "" };
    text.push_str(footer);
    html.push_str(&format!("<p style=\"color:#666\">{footer}</p>"));
    Outgoing {
        to: to.to_owned(),
        to_name,
        subject: format!("New reply from {team}"),
        html: html_page(&format!("{team} answered you"), &html),
        text,
        reply_to,
    }
}

/// The whole conversation, as the visitor asked for it.
pub fn transcript(team: &str, to: &str, to_name: Option<String>, thread: &[VisitorMessage]) -> Outgoing {
    let mut mail = replies(team, to, to_name, thread, None);
    mail.subject = format!("Your conversation with {team}");
    mail.text = mail.text.replacen(&format!("{team} answered you:"), &format!("Your conversation with {team}:"), 1);
    mail.html = mail.html.replacen(
        &format!("{} answered you", escape(team)),
        &format!("Your conversation with {}", escape(team)),
        1,
    );
    mail
}

/// A link to set a password (a reset or an invitation).
pub fn password_link(team: &str, to: &str, name: &str, link: &str, invitation: bool) -> Outgoing {
    let (subject, lead) = if invitation {
        (format!("You are invited to {team}"), format!("Hello {name}, you are invited to answer chats for {team}."))
    } else {
        (format!("Reset your {team} password"), format!("Hello {name}, someone asked to reset your password."))
    };
    let text = format!("{lead}\n\nSet your password here (the link works once and expires):\n{link}\n");
    let inner = format!(
        "<p>{}</p><p><a href=\"{}\">Set your password</a> (the link works once and expires).</p>",
        escape(&lead),
        escape(link)
    );
    Outgoing {
        to: to.to_owned(),
        to_name: Some(name.to_owned()),
        subject: subject.clone(),
        html: html_page(&subject, &inner),
        text,
        reply_to: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_in_html() {
        assert_eq!(escape("<b>&\"</b>"), "&lt;b&gt;&amp;&quot;&lt;/b&gt;");
    }
}
