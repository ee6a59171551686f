//! Email from the widget and the inbox, against a real SMTP server (aiosmtpd):
//! the visitor asks for the conversation by email; an agent picks a template and
//! sends it by email.

use crate::harness::*;
use crate::smtp::SmtpServer;
use backend::config::Secret;
use fantoccini::key::Key;
use mail_parser::MessageParser;
use shared::api::*;

/// The plain-text part and the recipient of a raw email.
fn text_and_to(raw: &[u8]) -> (String, String) {
    let mail = MessageParser::default().parse(raw).expect("an email");
    let text = mail.body_text(0).expect("a text part").to_string();
    let to = mail.to().and_then(|to| to.first()).and_then(|a| a.address()).unwrap_or_default().to_owned();
    (text, to)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_gets_the_transcript_and_an_agent_emails_a_template() {
    let smtp = SmtpServer::start().await;
    let url = smtp.url.clone();
    let server = Server::start_with(move |s| {
        s.smtp_url = Some(Secret(url));
        s.mail_from = Some("Support <support@natter.test>".into());
    })
    .await;
    let template = SavedReplyInput {
        kind: Some(SavedReplyKind::Template),
        shortcut: "invoice".into(),
        title: "Invoice sent".into(),
        body: "Your invoice is attached to your account, {{contact.first_name}}.".into(),
    };
    let _: SavedReply = server.post("/api/v1/saved-replies", &server.admin.access_token, &template, 201).await;
    let key = site_key(&server).await;
    let site = HostSite::start(&server, &key, "").await;
    let (server, smtp) = (&server, &smtp);
    with_browser("email_visitor", |visitor| async move {
        visitor.open_widget(&site).await?;
        visitor.type_into("#widget-input", "Can I get my invoice by email?").await?;
        visitor.press("#widget-input", &Key::Enter).await?;
        // Nobody is online yet: the chat asks for an email to answer later.
        visitor.find("#offline-form").await?;
        let hidden = visitor.js("return document.getElementById('transcript').classList.contains('off')").await?;
        assert_eq!(hidden, serde_json::Value::Bool(true), "no transcript offered before an email is left");
        visitor.type_into("#offline-form input[name=name]", "Vera Lind").await?;
        visitor.type_into("#offline-form input[name=email]", "vera@example.se").await?;
        visitor.click("#offline-form .send-details").await?;
        visitor.until_gone("#offline-form").await?;
        visitor
            .until("the transcript button", "!document.getElementById('transcript').classList.contains('off')")
            .await?;
        visitor.click("#transcript").await?;
        visitor.until_text("#transcript-note", "On its way").await?;
        let (text, to) = text_and_to(&smtp.wait_for(1).await[0]);
        assert_eq!(to, "vera@example.se");
        assert!(text.contains("Can I get my invoice by email?"), "{text}");

        with_browser("email_agent", |agent| async move {
            agent.sign_in(server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
            agent.click(".card").await?;
            agent.until_text("#thread .msg.visitor", "invoice").await?;
            agent.type_into("#composer-input", "/invo").await?;
            agent.until_text("#suggestions", "/invoice").await?;
            agent.press("#composer-input", &Key::Enter).await?;
            let filled = "Your invoice is attached to your account, Vera.";
            agent
                .until(
                    "the template in the composer",
                    &format!("document.querySelector('#composer-input').value === '{filled}'"),
                )
                .await?;
            agent.click("#send-email").await?;
            agent.until_text("#thread .msg", filled).await?;
            agent.until("the composer to empty", "document.querySelector('#composer-input').value === ''").await?;
            let (text, to) = text_and_to(&smtp.wait_for(2).await[1]);
            assert_eq!(to, "vera@example.se");
            assert!(text.contains(filled), "{text}");
            // Comments are never emailed: the button is for replies only.
            agent.click("#mode-comment").await?;
            agent.until_gone("#send-email").await?;
            Ok(())
        })
        .await;
        Ok(())
    })
    .await;
    assert_eq!(smtp.count(), 2, "one transcript, one emailed reply");
}
