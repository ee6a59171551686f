use crate::helpers::TestApp;
use crate::on_both_databases;
use serde_json::json;
use shared::api::*;
use shared::{ErrorCode, Page};

on_both_databases!(contact_details_attributes_and_bans, known_and_anonymous_contacts_list_apart);

/// Every contact's id, following the pages of `GET /contacts?{query}` (two a page).
async fn contact_ids(app: &TestApp, query: &str) -> Vec<shared::ContactId> {
    let (mut ids, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let after = cursor.map(|c| format!("&cursor={c}")).unwrap_or_default();
        let page: Page<Contact> =
            app.get(&format!("/api/v1/contacts?limit=2&{query}{after}"), app.admin_token()).await.json(200);
        ids.extend(page.items.iter().map(|c| c.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return ids,
        }
    }
}

/// The contacts page hides anonymous visitors unless asked: `anonymous=false`
/// lists contacts with a name, email, phone or external id, `true` the others.
async fn known_and_anonymous_contacts_list_apart(app: TestApp) {
    let admin = app.admin_token();
    let named: Contact = app.post("/api/v1/contacts", admin, &json!({"name": "Ana"})).await.json(201);
    let silent = app.new_visitor().await;
    let phoned: Contact = app.post("/api/v1/contacts", admin, &json!({"phone": "+34 600 1"})).await.json(201);
    let wrote = app.new_visitor().await;
    let form = json!({"email": "wrote@example.com"});
    app.patch("/api/v1/widget/contact", &wrote.token, &form).await.json::<VisitorContact>(200);
    let quiet = app.new_visitor().await;
    // Newest first, over pages.
    let known = contact_ids(&app, "anonymous=false").await;
    assert_eq!(known, vec![wrote.contact_id, phoned.id, named.id]);
    let anonymous = contact_ids(&app, "anonymous=true").await;
    assert_eq!(anonymous, vec![quiet.contact_id, silent.contact_id]);
    assert_eq!(contact_ids(&app, "").await.len(), 5, "both when not asked");
    // With the other filters.
    assert_eq!(contact_ids(&app, "anonymous=false&q=ana").await, vec![named.id]);
    assert!(contact_ids(&app, "anonymous=true&banned=true").await.is_empty());
    let answer = app.get("/api/v1/contacts?anonymous=perhaps", admin).await;
    assert_eq!(answer.status.as_u16(), 400, "a clear error for a bad flag");
}

async fn contact_details_attributes_and_bans(app: TestApp) {
    let admin = app.admin_token();
    let created: Contact = app
        .post(
            "/api/v1/contacts",
            admin,
            &json!({"name": "Ana Pérez", "email": "ANA@shop.example", "attributes": {"plan": "free"}}),
        )
        .await
        .json(201);
    assert_eq!(created.email.as_deref(), Some("ana@shop.example"));
    let path = format!("/api/v1/contacts/{}", created.id);
    let update =
        json!({"phone": "+34 600 000 000", "notes": "Prefers email", "attributes": {"plan": "pro", "seats": 5}});
    let updated: Contact = app.patch(&path, admin, &update).await.json(200);
    assert_eq!(updated.attributes, json!({"plan": "pro", "seats": 5}).as_object().cloned().unwrap_or_default());
    let removed: Contact = app.patch(&path, admin, &json!({"attributes": {"seats": null}, "name": ""})).await.json(200);
    assert_eq!(removed.attributes.len(), 1);
    assert_eq!(removed.name, None, "an empty string clears");
    assert_eq!(removed.phone.as_deref(), Some("+34 600 000 000"), "absent fields are unchanged");

    // Past conversations, from the widget and from the API.
    let visitor = app.new_visitor().await;
    let conv = app.visitor_says(&visitor, "Hi").await;
    app.post_empty(&format!("/api/v1/conversations/{conv}/close"), admin).await.json::<Conversation>(200);
    let detail: ContactDetail = app.get(&format!("/api/v1/contacts/{}", visitor.contact_id), admin).await.json(200);
    assert_eq!(detail.conversations.len(), 1);
    assert_eq!(detail.contact.current_page.as_deref(), Some("https://shop.example/pricing"));
    let started: Conversation =
        app.post("/api/v1/conversations", admin, &json!({"contact_id": created.id})).await.json(201);
    let detail: ContactDetail = app.get(&path, admin).await.json(200);
    assert_eq!(detail.conversations.iter().map(|c| c.id).collect::<Vec<_>>(), vec![started.id]);

    // Search and the banned list.
    let found: Page<Contact> = app.get("/api/v1/contacts?q=shop.EXAMPLE", admin).await.json(200);
    assert_eq!(found.items.iter().map(|c| c.id).collect::<Vec<_>>(), vec![created.id]);
    app.post_empty(&format!("{path}/ban"), admin).await.json::<Contact>(200);
    let banned: Page<Contact> = app.get("/api/v1/contacts?banned=true", admin).await.json(200);
    assert_eq!(banned.items.len(), 1);
    let all: Page<Contact> = app.get("/api/v1/contacts?limit=1", admin).await.json(200);
    assert!(all.next_cursor.is_some());
    let next: Page<Contact> = app
        .get(&format!("/api/v1/contacts?limit=1&cursor={}", all.next_cursor.unwrap_or_default()), admin)
        .await
        .json(200);
    assert_ne!(next.items[0].id, all.items[0].id);

    // The widget's contact form fills the visitor's own contact only.
    let form = json!({"name": "Vera", "email": "vera@example.com"});
    let own: VisitorContact = app.patch("/api/v1/widget/contact", &visitor.token, &form).await.json(200);
    assert_eq!((own.id, own.name.as_deref()), (visitor.contact_id, Some("Vera")));
    let agent_view: Conversation = app.conversation(admin, conv).await;
    assert_eq!(agent_view.contact_name.as_deref(), Some("Vera"));
    app.get(&path, &visitor.token).await.error(403, ErrorCode::Forbidden);
}
