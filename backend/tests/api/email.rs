//! Email against a real SMTP server: replies reach visitors who left (no
//! comments), their answers come back as messages, and password links work once.

use crate::helpers::{ADMIN_EMAIL, Backend, TestApp, spawn_app_with, visitor_send};
use crate::smtp::SmtpServer;
use backend::clock::Clock;
use backend::config::Secret;
use backend::db::posts::PostTarget;
use futures_util::future::join_all;
use mail_parser::MessageParser;
use serde_json::json;
use shared::ErrorCode;
use shared::api::*;

const INBOUND_DOMAIN: &str = "in.natter.test";
const INBOUND_SECRET: &str = "inbound-secret";

async fn spawn_with_mail(backend: Backend, smtp: &SmtpServer) -> Option<TestApp> {
    let url = smtp.url.clone();
    spawn_app_with(backend, move |s| {
        s.smtp_url = Some(Secret(url));
        s.mail_from = Some("Support <support@natter.test>".into());
        s.inbound_domain = Some(INBOUND_DOMAIN.into());
        s.inbound_secret = Some(Secret(INBOUND_SECRET.into()));
        s.email_delay_secs = 60;
    })
    .await
}

macro_rules! with_smtp_on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let smtp = SmtpServer::start().await;
                if let Some(app) = spawn_with_mail(Backend::Sqlite, &smtp).await {
                    super::$name(app, smtp).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let smtp = SmtpServer::start().await;
                if let Some(app) = spawn_with_mail(Backend::Postgres, &smtp).await {
                    super::$name(app, smtp).await;
                }
            }
        }
    )*};
}

with_smtp_on_both!(
    a_visitor_who_left_gets_the_replies_and_answers_by_email,
    a_password_link_works_once_and_expires,
    a_reply_behind_pages_of_other_events_goes_out_after_one_delay
);

fn raw_answer(token_address: &str, message_id: &str) -> String {
    format!(
        "From: Vera <vera@example.com>\r\nTo: {token_address}\r\nSubject: Re: New reply\r\nMessage-ID: <{message_id}>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThanks, that works!\r\n\r\n\
         On Sun, 6 Dec 2026 at 10:00, Support <support@natter.test> wrote:\r\n> Second answer\r\n\r\n\
         --b1\r\nContent-Type: text/plain; name=\"log.txt\"\r\nContent-Disposition: attachment; filename=\"log.txt\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\naGVsbG8gbG9n\r\n--b1--\r\n"
    )
}

async fn post_inbound(app: &TestApp, secret: &str, raw: String) -> crate::helpers::Answer {
    let request = app.request(reqwest::Method::POST, "/api/v1/inbound/email", Some(secret)).body(raw);
    app.send(request.header("content-type", "message/rfc822")).await
}

async fn a_visitor_who_left_gets_the_replies_and_answers_by_email(app: TestApp, smtp: SmtpServer) {
    let visitor = app.new_visitor().await;
    let contact = json!({"name": "Vera", "email": "vera@example.com"});
    let _: serde_json::Value = app.patch("/api/v1/widget/contact", &visitor.token, &contact).await.json(200);
    let conv = app.visitor_says(&visitor, "Hello, I need help").await;
    app.agent_says(app.admin_token(), conv, PostKind::Reply, "First answer").await;
    app.agent_says(app.admin_token(), conv, PostKind::Comment, "Internal: VIP customer").await;
    app.agent_says(app.admin_token(), conv, PostKind::Reply, "Second answer").await;
    assert_eq!(smtp.count(), 0, "nothing is sent before the delay");
    app.clock.advance(chrono::Duration::minutes(2));
    let mails = smtp.wait_for(1).await;
    let mail = MessageParser::default().parse(&mails[0]).expect("an email");
    assert_eq!(mail.to().and_then(|t| t.first()).and_then(|a| a.address()), Some("vera@example.com"));
    let text = mail.body_text(0).expect("text").to_string();
    for expected in ["Hello, I need help", "First answer", "Second answer"] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    assert!(!text.contains("Internal"), "never a comment: {text}");
    assert!(mail.body_html(0).is_some_and(|h| h.contains("Second answer") && !h.contains("Internal")));
    let reply_to = mail.reply_to().and_then(|r| r.first()).and_then(|a| a.address()).expect("Reply-To").to_owned();
    assert!(reply_to.starts_with("reply+") && reply_to.ends_with(INBOUND_DOMAIN), "{reply_to}");

    // The answer by email lands in the conversation as the visitor's message.
    post_inbound(&app, "wrong", raw_answer(&reply_to, "a1@example.com")).await.error(401, ErrorCode::Unauthorized);
    let unknown = format!("reply+0000@{INBOUND_DOMAIN}");
    post_inbound(&app, INBOUND_SECRET, raw_answer(&unknown, "a2@example.com")).await.error(404, ErrorCode::NotFound);
    let message: Message = post_inbound(&app, INBOUND_SECRET, raw_answer(&reply_to, "a3@example.com")).await.json(201);
    assert_eq!((message.kind, message.body.as_str()), (MessageKind::Visitor, "Thanks, that works!"));
    assert_eq!(message.conversation_id, conv);
    assert_eq!(message.attachments.len(), 1);
    assert_eq!(message.attachments[0].filename, "log.txt");
    let again: Message = post_inbound(&app, INBOUND_SECRET, raw_answer(&reply_to, "a3@example.com")).await.json(201);
    assert_eq!(again.id, message.id, "a redelivered email is stored once");
    // The visitor asks for the transcript (the clients are told email is on); an agent emails a template.
    let config: ClientConfig = app.send(app.request(reqwest::Method::GET, "/api/v1/config", None)).await.json(200);
    assert!(config.email_enabled);
    let answer = app.send(app.request(reqwest::Method::POST, "/api/v1/widget/transcript", Some(&visitor.token))).await;
    assert_eq!(answer.status, 202);
    let transcript = MessageParser::default()
        .parse(&smtp.wait_for(2).await[1])
        .expect("an email")
        .body_text(0)
        .expect("text")
        .to_string();
    assert!(transcript.contains("Thanks, that works!") && !transcript.contains("Internal"), "{transcript}");
    let template = SavedReplyInput {
        kind: Some(SavedReplyKind::Template),
        shortcut: "thanks".into(),
        title: "Thanks".into(),
        body: "Glad to help, {{contact.first_name}}!".into(),
    };
    let template: SavedReply = app.post("/api/v1/saved-replies", app.admin_token(), &template).await.json(201);
    let by_email = EmailReply { saved_reply_id: Some(template.id), body: None, client_id: "e1".into() };
    let sent: Message =
        app.post(&format!("/api/v1/conversations/{conv}/email"), app.admin_token(), &by_email).await.json(201);
    assert_eq!(sent.body, "Glad to help, Vera!");
    let emailed = MessageParser::default()
        .parse(&smtp.wait_for(3).await[2])
        .expect("an email")
        .body_text(0)
        .expect("text")
        .to_string();
    assert!(emailed.contains("Glad to help, Vera!"), "{emailed}");
    // A banned contact is refused.
    let contact_id = visitor.contact_id;
    let _: Contact = app.post_empty(&format!("/api/v1/contacts/{contact_id}/ban"), app.admin_token()).await.json(200);
    post_inbound(&app, INBOUND_SECRET, raw_answer(&reply_to, "a4@example.com"))
        .await
        .error(403, ErrorCode::ContactBanned);
    assert_eq!(smtp.count(), 3, "one email for the replies, the transcript, the template");
}

/// The mailer wakes only for replies that can be emailed, then reads the log a
/// page (500 events) at a time until it has caught up. A reply behind 1,200
/// events that didn't wake it is scheduled at that one wake, so it goes out
/// once its delay has passed, with no other wake in between (a mailer reading
/// one page per wake would still be two pages short of it).
async fn a_reply_behind_pages_of_other_events_goes_out_after_one_delay(app: TestApp, smtp: SmtpServer) {
    let visitor = app.new_visitor().await;
    let contact = json!({"name": "Vera", "email": "vera@example.com"});
    let _: serde_json::Value = app.patch("/api/v1/widget/contact", &visitor.token, &contact).await.json(200);
    let conv = app.visitor_says(&visitor, "Hello").await;
    let now = backend::clock::millis(app.clock.now());
    let sends = (0..1200).map(|i| {
        let (client_id, body) = (format!("more-{i}"), format!("more {i}"));
        app.state.db.post(visitor_send(PostTarget::Conversation(conv), visitor.contact_id.0, &client_id, &body, now))
    });
    for sent in join_all(sends).await {
        sent.expect("stored");
    }
    app.agent_says(app.admin_token(), conv, PostKind::Reply, "The answer").await;
    app.clock.advance(chrono::Duration::minutes(2));
    let mails = smtp.wait_for(1).await;
    let text = MessageParser::default().parse(&mails[0]).expect("an email").body_text(0).expect("text").to_string();
    assert!(text.contains("The answer"), "{text}");
    assert_eq!(smtp.count(), 1);
}

fn token_in(mail: &[u8]) -> String {
    let mail = MessageParser::default().parse(mail).expect("an email");
    let text = mail.body_text(0).expect("text").to_string();
    let start = text.find("token=").expect("a link with a token") + "token=".len();
    text[start..].split_whitespace().next().expect("token").to_owned()
}

async fn a_password_link_works_once_and_expires(mut app: TestApp, smtp: SmtpServer) {
    let unknown = PasswordResetRequest { email: "nobody@natter.test".into() };
    let answer = app.send(app.request(reqwest::Method::POST, "/api/v1/auth/password-reset", None).json(&unknown)).await;
    assert_eq!(answer.status, 202, "the same answer for an unknown email");
    let known = PasswordResetRequest { email: ADMIN_EMAIL.into() };
    let answer = app.send(app.request(reqwest::Method::POST, "/api/v1/auth/password-reset", None).json(&known)).await;
    assert_eq!(answer.status, 202);
    let token = token_in(&smtp.wait_for(1).await[0]);
    let set = SetPassword { token: token.clone(), password: "a brand new password".into() };
    let answer = app.send(app.request(reqwest::Method::POST, "/api/v1/auth/password", None).json(&set)).await;
    assert_eq!(answer.status, 204);
    app.login(ADMIN_EMAIL, "a brand new password").await;
    let answer = app.send(app.request(reqwest::Method::POST, "/api/v1/auth/password", None).json(&set)).await;
    answer.error(422, ErrorCode::ValidationFailed);
    // A second link expires after an hour.
    let answer = app.send(app.request(reqwest::Method::POST, "/api/v1/auth/password-reset", None).json(&known)).await;
    assert_eq!(answer.status, 202);
    let token = token_in(&smtp.wait_for(2).await[1]);
    app.clock.advance(chrono::Duration::hours(2));
    let late = SetPassword { token, password: "another new password".into() };
    let answer = app.send(app.request(reqwest::Method::POST, "/api/v1/auth/password", None).json(&late)).await;
    answer.error(422, ErrorCode::ValidationFailed);
    // Invitations: the new agent sets their own password from the link.
    app.admin = app.login(ADMIN_EMAIL, "a brand new password").await;
    let invite = InviteAgent { name: "Ines".into(), email: "ines@natter.test".into(), role: None };
    let _: Agent = app.post("/api/v1/agents/invitations", app.admin_token(), &invite).await.json(201);
    let token = token_in(&smtp.wait_for(3).await[2]);
    let set = SetPassword { token, password: "ines password 1".into() };
    let answer = app.send(app.request(reqwest::Method::POST, "/api/v1/auth/password", None).json(&set)).await;
    assert_eq!(answer.status, 204);
    app.login("ines@natter.test", "ines password 1").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_smtp_settings_email_features_say_they_are_off() {
    let Some(app) = spawn_app_with(Backend::Sqlite, |_| {}).await else { return };
    let known = PasswordResetRequest { email: ADMIN_EMAIL.into() };
    let answer = app.send(app.request(reqwest::Method::POST, "/api/v1/auth/password-reset", None).json(&known)).await;
    answer.error(503, ErrorCode::EmailDisabled);
    let invite = InviteAgent { name: "Ines".into(), email: "ines@natter.test".into(), role: None };
    app.post("/api/v1/agents/invitations", app.admin_token(), &invite).await.error(503, ErrorCode::EmailDisabled);
    let answer = post_inbound(&app, "anything", "From: a@b.c\r\n\r\nhi".into()).await;
    answer.error(403, ErrorCode::Forbidden);
}
