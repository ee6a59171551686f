//! Contacts in the inbox: the contact panel's fields and attributes (an edit in
//! progress survives a change pushed meanwhile), and the Contacts page's edit and unban.

use crate::harness::*;
use fantoccini::key::Key;
use shared::api::*;
use shared::{ContactId, ConversationId};

async fn contact_of(server: &Server, conversation: ConversationId) -> Contact {
    let detail: ConversationDetail =
        server.get(&format!("/api/v1/conversations/{conversation}"), &server.admin.access_token).await;
    detail.contact
}

async fn contact(server: &Server, id: ContactId) -> Contact {
    let detail: ContactDetail = server.get(&format!("/api/v1/contacts/{id}"), &server.admin.access_token).await;
    detail.contact
}

/// The value of the input `css`.
fn value_is(css: &str, value: &str) -> String {
    format!("document.querySelector({css:?})?.value === {value:?}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_contact_panel_edits_fields_and_attributes() {
    let server = Server::start().await;
    with_browser("contact_panel", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        let visitor = server.new_visitor().await;
        let conversation = server.visitor_says(&visitor, "Can you call me?").await;
        let id = contact_of(&server, conversation).await.id;
        b.click(&card(conversation)).await?;
        b.find("#contact-name").await?;

        b.type_into("#contact-name", "Marta Ruiz").await?;
        b.press("#contact-name", &Key::Tab).await?;
        b.until_text("#contact-panel h3", "Marta Ruiz").await?;
        assert_eq!(contact(&server, id).await.name.as_deref(), Some("Marta Ruiz"));

        b.type_into("#attribute-key", "plan").await?;
        b.type_into("#attribute-value", "Pro").await?;
        b.click("#attribute-add").await?;
        b.until_text("#attributes .attribute[data-key=plan]", "Pro").await?;
        assert_eq!(contact(&server, id).await.attributes["plan"], "Pro");
        b.until("the attribute form emptied", &value_is("#attribute-key", "")).await?;
        b.click("#attributes .attribute[data-key=plan] .remove-attribute").await?;
        b.until_gone("#attributes .attribute[data-key=plan]").await?;
        assert!(contact(&server, id).await.attributes.get("plan").is_none());

        // Half-way through typing a phone number, someone else changes the email:
        // the new email shows, and what the agent typed stays, focused and unsaved.
        b.type_into("#contact-phone", "+34 600").await?;
        let change = UpdateContact {
            name: None,
            email: Some("marta@shop.example".into()),
            phone: None,
            notes: None,
            attributes: None,
        };
        let _: Contact = server.patch(&format!("/api/v1/contacts/{id}"), &server.admin.access_token, &change).await;
        b.until("the pushed email", &value_is("#contact-email", "marta@shop.example")).await?;
        b.until("the phone being typed", &value_is("#contact-phone", "+34 600")).await?;
        let focused = b.js("return document.activeElement.id").await?;
        assert_eq!(focused, "contact-phone", "the field being edited keeps the focus");
        b.type_into("#contact-phone", " 123").await?;
        b.press("#contact-phone", &Key::Tab).await?;
        b.until("the phone saved", &value_is("#contact-phone", "+34 600 123")).await?;
        b.until_text("#contact-panel .saved", "").await?;
        let saved = contact(&server, id).await;
        assert_eq!((saved.phone.as_deref(), saved.email.as_deref()), (Some("+34 600 123"), Some("marta@shop.example")));
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_contacts_page_edits_unbans_and_erases() {
    let server = Server::start().await;
    let visitor = server.new_visitor().await;
    let conversation = server.visitor_says(&visitor, "Hello").await;
    let id = contact_of(&server, conversation).await.id;
    let _: Contact = server
        .post(&format!("/api/v1/contacts/{id}/ban"), &server.admin.access_token, &serde_json::json!({}), 200)
        .await;
    let silent = server.new_visitor().await.contact_id;
    let known: Contact = server
        .post("/api/v1/contacts", &server.admin.access_token, &serde_json::json!({"name": "Known Person"}), 201)
        .await;
    with_browser("contacts_page", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        b.click("#nav-contacts").await?;
        let row = format!("#contacts-table tr[data-contact='{id}']");
        // The visitor left no name, email or phone: hidden until anonymous visitors are shown.
        b.find(&format!("#contacts-table tr[data-contact='{}']", known.id)).await?;
        assert!(b.js(&format!("return !document.querySelector({row:?})")).await?.as_bool() == Some(true));
        b.click("#show-anonymous").await?;
        b.find(&format!("{row}.banned")).await?;
        let silent_row = format!("#contacts-table tr[data-contact='{silent}']");
        b.find(&silent_row).await?;

        b.click(&format!("{row} .edit")).await?;
        b.find(&format!("{row} input[type=text]")).await?.clear().await?;
        b.type_into(&format!("{row} input[type=text]"), "Lucía Gómez").await?;
        b.type_into(&format!("{row} input[type=email]"), "lucia@shop.example").await?;
        b.click(&format!("{row} button.primary")).await?;
        b.until_text(&row, "Lucía Gómez").await?;
        b.until_text(&row, "lucia@shop.example").await?;
        let saved = contact(&server, id).await;
        assert_eq!(saved.name.as_deref(), Some("Lucía Gómez"));
        assert_eq!(saved.email.as_deref(), Some("lucia@shop.example"));
        // Known now: listed with anonymous visitors hidden again.
        b.click("#show-anonymous").await?;
        b.until_gone(&silent_row).await?;
        b.until_text(&row, "Lucía Gómez").await?;

        assert_eq!(server.visitor_tries(&visitor, "let me in").await.0, 403);
        b.click(&format!("{row} .unban")).await?;
        b.until(
            "the row to show the contact unbanned",
            &format!("!document.querySelector({:?})", format!("{row}.banned")),
        )
        .await?;
        assert!(!contact(&server, id).await.banned);
        assert_eq!(server.visitor_tries(&visitor, "thank you").await.0, 201, "they may write again");

        // An admin erases a contact, after confirming.
        let known_row = format!("#contacts-table tr[data-contact='{}']", known.id);
        b.click(&format!("{known_row} .erase")).await?;
        b.click("#dialog-confirm").await?;
        b.until_gone(&known_row).await?;
        let path = format!("/api/v1/contacts/{}", known.id);
        assert_eq!(server.status_of(&path, &server.admin.access_token).await, 404);
        Ok(())
    })
    .await;
}
