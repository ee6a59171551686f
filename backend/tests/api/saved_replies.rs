use crate::helpers::TestApp;
use crate::on_both_databases;
use serde_json::json;
use shared::api::*;
use shared::{ErrorCode, Page};

on_both_databases!(saved_replies_and_templates);

async fn saved_replies_and_templates(app: TestApp) {
    let admin = app.admin_token();
    let hello: SavedReply = app
        .post("/api/v1/saved-replies", admin, &json!({"shortcut": "/hello", "title": "Greeting", "body": "Hi {{contact.first_name}}, I'm {{agent.name}}!"}))
        .await
        .json(201);
    assert_eq!((hello.shortcut.as_str(), hello.kind), ("hello", SavedReplyKind::Reply));
    let template = json!({"kind": "template", "shortcut": "refund", "title": "Refund", "body": "Dear {{contact.name}},\n\n- step one\n- **step two**\n\nMail: {{contact.email}} {{unknown.thing}}"});
    let refund: SavedReply = app.post("/api/v1/saved-replies", admin, &template).await.json(201);
    app.post("/api/v1/saved-replies", admin, &json!({"shortcut": "hello", "title": "x", "body": "y"}))
        .await
        .error(409, ErrorCode::Conflict);
    app.post("/api/v1/saved-replies", admin, &json!({"shortcut": "no spaces", "title": "x", "body": "y"}))
        .await
        .error(422, ErrorCode::ValidationFailed);

    // `/he` in the composer finds it.
    let found: Page<SavedReply> = app.get("/api/v1/saved-replies?prefix=/he", admin).await.json(200);
    assert_eq!(found.items.iter().map(|r| r.id).collect::<Vec<_>>(), vec![hello.id]);

    // Placeholders are filled for the conversation's contact, values escaped.
    let visitor = app.new_visitor().await;
    let conv = app.visitor_says(&visitor, "refund?").await;
    app.patch(
        "/api/v1/widget/contact",
        &visitor.token,
        &json!({"name": "Vera *Bold* Lopez", "email": "vera@example.com"}),
    )
    .await
    .json::<VisitorContact>(200);
    let render = json!({"conversation_id": conv});
    let filled: RenderedSavedReply =
        app.post(&format!("/api/v1/saved-replies/{}/render", hello.id), admin, &render).await.json(200);
    assert_eq!(filled.body, "Hi Vera, I'm Admin!");
    let filled: RenderedSavedReply =
        app.post(&format!("/api/v1/saved-replies/{}/render", refund.id), admin, &render).await.json(200);
    assert!(filled.body.starts_with(r"Dear Vera \*Bold\* Lopez,"), "{}", filled.body);
    assert!(filled.body.contains(r"vera@example\.com {{unknown.thing}}"), "{}", filled.body);
    let sent = app.agent_says(admin, conv, PostKind::Reply, &filled.body).await;
    assert!(sent.html.contains("<strong>step two</strong>") && !sent.html.contains("<em>Bold</em>"), "{}", sent.html);

    // Update and delete.
    let changed: SavedReply = app
        .put(
            &format!("/api/v1/saved-replies/{}", hello.id),
            admin,
            &json!({"shortcut": "hi", "title": "Hi", "body": "Hello!"}),
        )
        .await
        .json(200);
    assert_eq!(changed.shortcut, "hi");
    let nowhere = json!({"conversation_id": uuid::Uuid::now_v7()});
    app.post(&format!("/api/v1/saved-replies/{}/render", hello.id), admin, &nowhere)
        .await
        .error(422, ErrorCode::ValidationFailed);
    assert_eq!(app.delete(&format!("/api/v1/saved-replies/{}", hello.id), admin).await.status, 204);
    app.get(&format!("/api/v1/saved-replies/{}", hello.id), admin).await.error(404, ErrorCode::NotFound);
}
