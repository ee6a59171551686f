//! Signed identities on shared browsers and against bans, their time window, and
//! rotating the secret that signs them.

use crate::helpers::TestApp;
use crate::on_both_databases;
use shared::ErrorCode;
use shared::api::*;

on_both_databases!(
    a_second_user_never_takes_over_the_first_users_contact,
    a_ban_holds_across_sign_ins,
    signatures_are_accepted_for_ten_minutes,
    rotating_the_secret_stops_old_signatures_at_once
);

/// Signs as the host site's server does.
async fn signed(app: &TestApp, user_id: &str, at: i64) -> IdentifyVisitor {
    let settings: WidgetSettings = app.get("/api/v1/settings/widget", app.admin_token()).await.json(200);
    let signature = backend::domain::identity::sign(&settings.identity_secret, user_id, at);
    IdentifyVisitor { user_id: user_id.into(), timestamp: at, signature }
}

fn now(app: &TestApp) -> i64 {
    app.state.now().timestamp()
}

/// Identifies `visitor` as `user_id`, signed now; returns the session it gets.
async fn sign_in(app: &TestApp, visitor: &WidgetSession, user_id: &str) -> WidgetSession {
    let identity = signed(app, user_id, now(app)).await;
    let answer: IdentifiedVisitor = app.post("/api/v1/widget/identify", &visitor.token, &identity).await.json(200);
    WidgetSession { token: answer.token, contact_id: answer.contact_id }
}

async fn contact(app: &TestApp, id: shared::ContactId) -> ContactDetail {
    app.get(&format!("/api/v1/contacts/{id}"), app.admin_token()).await.json(200)
}

async fn thread(app: &TestApp, visitor: &WidgetSession) -> WidgetConversation {
    app.get("/api/v1/widget/conversation", &visitor.token).await.json(200)
}

async fn a_second_user_never_takes_over_the_first_users_contact(app: TestApp) {
    // Ann chats on a shared computer, signed in on the site.
    let browser = app.new_visitor().await;
    let ann = sign_in(&app, &browser, "user-ann").await;
    let change = serde_json::json!({"name": "Ann", "email": "ann@example.com"});
    let _: VisitorContact = app.patch("/api/v1/widget/contact", &ann.token, &change).await.json(200);
    let ann_conversation = app.visitor_says(&ann, "my card ends 4242").await;

    // Ben signs in on the same browser, which still holds Ann's token.
    let ben = sign_in(&app, &ann, "user-ben").await;
    assert_ne!(ben.contact_id, ann.contact_id, "Ben gets a contact of his own");
    assert!(thread(&app, &ben).await.conversation.is_none(), "Ben reads nothing of Ann's");
    app.get("/api/v1/widget/conversation", &ann.token).await.error(401, ErrorCode::Unauthorized);
    let ann_now = contact(&app, ann.contact_id).await;
    assert_eq!(ann_now.contact.external_id.as_deref(), Some("user-ann"));
    assert_eq!(ann_now.contact.name.as_deref(), Some("Ann"));
    assert_eq!(ann_now.contact.email.as_deref(), Some("ann@example.com"));
    assert_eq!(ann_now.conversations.iter().map(|c| c.id).collect::<Vec<_>>(), vec![ann_conversation]);
    let ben_now = contact(&app, ben.contact_id).await;
    assert_eq!(ben_now.contact.external_id.as_deref(), Some("user-ben"));
    assert!(ben_now.contact.verified && ben_now.contact.name.is_none() && ben_now.contact.email.is_none());

    // Cleo already chats from her phone; then she signs in where Ann's token is.
    let phone = app.new_visitor().await;
    let cleo_phone = sign_in(&app, &phone, "user-cleo").await;
    let cleo_conversation = app.visitor_says(&cleo_phone, "hello from my phone").await;
    let browser = app.new_visitor().await;
    let ann_again = sign_in(&app, &browser, "user-ann").await;
    assert_eq!(ann_again.contact_id, ann.contact_id, "Ann on another browser is still Ann");
    let cleo = sign_in(&app, &ann_again, "user-cleo").await;
    assert_eq!(cleo.contact_id, cleo_phone.contact_id);
    assert_eq!(thread(&app, &cleo).await.conversation.map(|c| c.id), Some(cleo_conversation));
    let ann_now = contact(&app, ann.contact_id).await;
    assert_eq!(ann_now.conversations.len(), 1, "Ann's conversation stays hers");
    assert_eq!(contact(&app, cleo.contact_id).await.conversations.len(), 1);

    // The same user signing in again gets a fresh token; the old one ends.
    let cleo_again = sign_in(&app, &cleo, "user-cleo").await;
    assert_eq!(cleo_again.contact_id, cleo.contact_id);
    app.get("/api/v1/widget/conversation", &cleo.token).await.error(401, ErrorCode::Unauthorized);
}

async fn a_ban_holds_across_sign_ins(app: TestApp) {
    // A user of the site, in good standing.
    let laptop = app.new_visitor().await;
    let clean = sign_in(&app, &laptop, "user-clean").await;

    // A banned anonymous visitor tries to become that account.
    let spammer = app.new_visitor().await;
    app.visitor_says(&spammer, "spam spam spam").await;
    let _: Contact = app
        .post(&format!("/api/v1/contacts/{}/ban", spammer.contact_id), app.admin_token(), &serde_json::json!({}))
        .await
        .json(200);
    let identity = signed(&app, "user-clean", now(&app)).await;
    app.post("/api/v1/widget/identify", &spammer.token, &identity).await.error(403, ErrorCode::ContactBanned);
    assert!(contact(&app, spammer.contact_id).await.contact.banned, "still banned, still there");
    assert!(contact(&app, clean.contact_id).await.conversations.is_empty(), "nothing moved into the account");

    // A banned user stays banned on a new device.
    let _: Contact = app
        .post(&format!("/api/v1/contacts/{}/ban", clean.contact_id), app.admin_token(), &serde_json::json!({}))
        .await
        .json(200);
    let phone = app.new_visitor().await;
    let on_phone = sign_in(&app, &phone, "user-clean").await;
    assert_eq!(on_phone.contact_id, clean.contact_id);
    assert!(thread(&app, &on_phone).await.banned, "the widget shows the refusal");
    let body = WidgetPostMessage { body: "let me back in".into(), client_id: "c-1".into(), attachment_ids: vec![] };
    app.post("/api/v1/widget/messages", &on_phone.token, &body).await.error(403, ErrorCode::ContactBanned);
    app.post("/api/v1/widget/messages", &phone.token, &body).await.error(401, ErrorCode::Unauthorized);
}

async fn signatures_are_accepted_for_ten_minutes(app: TestApp) {
    let signed_at = now(&app);
    let identity = signed(&app, "user-1", signed_at).await;
    app.clock.advance(chrono::Duration::seconds(10 * 60));
    let visitor = app.new_visitor().await;
    let _: IdentifiedVisitor = app.post("/api/v1/widget/identify", &visitor.token, &identity).await.json(200);
    app.clock.advance(chrono::Duration::seconds(1));
    let late = app.new_visitor().await;
    app.post("/api/v1/widget/identify", &late.token, &identity).await.error(422, ErrorCode::ValidationFailed);

    // A site's clock may run a little ahead, not far.
    let ahead = signed(&app, "user-1", now(&app) + 5 * 60).await;
    let _: IdentifiedVisitor = app.post("/api/v1/widget/identify", &late.token, &ahead).await.json(200);
    let too_far = signed(&app, "user-1", now(&app) + 5 * 60 + 1).await;
    let other = app.new_visitor().await;
    app.post("/api/v1/widget/identify", &other.token, &too_far).await.error(422, ErrorCode::ValidationFailed);
}

async fn rotating_the_secret_stops_old_signatures_at_once(app: TestApp) {
    let agent = app.new_agent("Ana", Role::Agent).await;
    let before: WidgetSettings = app.get("/api/v1/settings/widget", app.admin_token()).await.json(200);
    let old = signed(&app, "user-1", now(&app)).await;
    let path = "/api/v1/settings/widget/identity-secret";
    app.post_empty(path, &agent.access_token).await.error(403, ErrorCode::AdminOnly);
    let visitor = app.new_visitor().await;
    app.post_empty(path, &visitor.token).await.error(403, ErrorCode::Forbidden);

    let after: WidgetSettings = app.post_empty(path, app.admin_token()).await.json(200);
    assert_ne!(after.identity_secret, before.identity_secret);
    assert!(after.identity_secret.starts_with("ni_"));
    assert_eq!(after.site_key, before.site_key, "the snippet stays as it is");
    app.post("/api/v1/widget/identify", &visitor.token, &old).await.error(403, ErrorCode::Forbidden);
    let new = signed(&app, "user-1", now(&app)).await;
    let _: IdentifiedVisitor = app.post("/api/v1/widget/identify", &visitor.token, &new).await.json(200);
}
