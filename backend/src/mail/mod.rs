//! Email: sending through SMTP (`lettre`), the templates, and reading the
//! visitors' answers. The worker that emails agents' replies to visitors who
//! left is in the domain (`domain::reply_emails`).
//! Without `NATTER_SMTP_URL` and `NATTER_MAIL_FROM` there is no [`Mailer`] and
//! the features that need one say that email is off.

pub mod inbound;
pub mod templates;

use crate::config::Settings;
use lettre::message::{Mailbox, MultiPart, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// One email to send.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// Recipient address.
    pub to: String,
    /// Recipient name, if known.
    pub to_name: Option<String>,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
    /// Where answers go, if not to the sender.
    pub reply_to: Option<String>,
}

/// The SMTP connection settings and the sender.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// The mailer the settings describe, or `None` when email is off.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Option<Self>> {
        let (Some(url), Some(from)) = (&settings.smtp_url, &settings.mail_from) else { return Ok(None) };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url.0)
            .map_err(|e| anyhow::anyhow!("NATTER_SMTP_URL: {e}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from.parse().map_err(|e| anyhow::anyhow!("NATTER_MAIL_FROM: {e}"))?;
        Ok(Some(Self { transport, from }))
    }

    /// The sender's name, or its address.
    pub fn sender_name(&self) -> String {
        self.from.name.clone().unwrap_or_else(|| self.from.email.to_string())
    }

    /// Sends one email (plain text and HTML alternatives).
    pub async fn send(&self, mail: Outgoing) -> anyhow::Result<()> {
        let to = Mailbox::new(mail.to_name, mail.to.parse()?);
        let mut builder = Message::builder().from(self.from.clone()).to(to).subject(mail.subject);
        if let Some(reply_to) = mail.reply_to {
            builder = builder.reply_to(reply_to.parse()?);
        }
        let body = MultiPart::alternative()
            .singlepart(lettre::message::SinglePart::builder().header(ContentType::TEXT_PLAIN).body(mail.text))
            .singlepart(lettre::message::SinglePart::builder().header(ContentType::TEXT_HTML).body(mail.html));
        let message = builder.multipart(body)?;
        self.transport.send(message).await?;
        Ok(())
    }
}
