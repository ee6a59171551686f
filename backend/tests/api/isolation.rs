//! Visitors reach only their own conversation; comments never reach them.

use crate::helpers::TestApp;
use crate::on_both_databases;
use serde_json::json;
use shared::ErrorCode;
use shared::api::*;

on_both_databases!(visitors_cannot_reach_each_other, comment_attachments_stay_internal, idempotent_retries);

async fn visitors_cannot_reach_each_other(app: TestApp) {
    let a = app.new_visitor().await;
    let b = app.new_visitor().await;
    app.visitor_says(&a, "I am A").await;
    let b_conv = app.visitor_says(&b, "I am B").await;
    let b_file: Uploaded =
        app.upload("/api/v1/widget/attachments", &b.token, &[("b.txt", b"secret of B".to_vec())]).await.json(201);
    let b_file_id = b_file.attachments[0].id;
    let msg = json!({"body": "with file", "client_id": "b-1", "attachment_ids": [b_file_id]});
    app.post("/api/v1/widget/messages", &b.token, &msg).await.json::<VisitorMessage>(201);

    // A sees only A's conversation.
    let thread: WidgetConversation = app.get("/api/v1/widget/conversation", &a.token).await.json(200);
    assert_eq!(thread.messages.len(), 1);
    assert_eq!(thread.messages[0].body, "I am A");
    // A can't use agent endpoints to reach B's conversation.
    app.get(&format!("/api/v1/conversations/{b_conv}"), &a.token).await.error(403, ErrorCode::Forbidden);
    app.get(&format!("/api/v1/conversations/{b_conv}/messages"), &a.token).await.error(403, ErrorCode::Forbidden);
    let reply = json!({"kind": "reply", "body": "x", "client_id": "a-x"});
    app.post(&format!("/api/v1/conversations/{b_conv}/messages"), &a.token, &reply)
        .await
        .error(403, ErrorCode::Forbidden);
    // A can't download or claim B's file, and can't tell it exists.
    app.get(&format!("/api/v1/attachments/{b_file_id}"), &a.token).await.error(404, ErrorCode::NotFound);
    let steal = json!({"body": "mine now", "client_id": "a-2", "attachment_ids": [b_file_id]});
    app.post("/api/v1/widget/messages", &a.token, &steal).await.error(422, ErrorCode::ValidationFailed);
    // B and agents can.
    assert_eq!(&app.get(&format!("/api/v1/attachments/{b_file_id}"), &b.token).await.bytes[..], b"secret of B");
    assert_eq!(
        &app.get(&format!("/api/v1/attachments/{b_file_id}"), app.admin_token()).await.bytes[..],
        b"secret of B"
    );
}

async fn comment_attachments_stay_internal(app: TestApp) {
    let visitor = app.new_visitor().await;
    let conv = app.visitor_says(&visitor, "Hi").await;
    let admin = app.admin_token();
    let up: Uploaded =
        app.upload("/api/v1/attachments", admin, &[("notes.txt", b"internal notes".to_vec())]).await.json(201);
    let file = up.attachments[0].id;
    let body = PostMessage {
        kind: PostKind::Comment,
        body: "see file".into(),
        client_id: "c1".into(),
        attachment_ids: vec![file],
    };
    let comment: Message = app.post(&format!("/api/v1/conversations/{conv}/messages"), admin, &body).await.json(201);
    assert_eq!(comment.attachments.len(), 1);
    app.get(&format!("/api/v1/attachments/{file}"), &visitor.token).await.error(404, ErrorCode::NotFound);
    // A file on a reply is the visitor's to see.
    let up: Uploaded =
        app.upload("/api/v1/attachments", admin, &[("invoice.txt", b"invoice".to_vec())]).await.json(201);
    let shared_file = up.attachments[0].id;
    let body = PostMessage {
        kind: PostKind::Reply,
        body: String::new(),
        client_id: "r1".into(),
        attachment_ids: vec![shared_file],
    };
    app.post(&format!("/api/v1/conversations/{conv}/messages"), admin, &body).await.json::<Message>(201);
    assert_eq!(&app.get(&format!("/api/v1/attachments/{shared_file}"), &visitor.token).await.bytes[..], b"invoice");
    let thread: WidgetConversation = app.get("/api/v1/widget/conversation", &visitor.token).await.json(200);
    assert_eq!(thread.messages.len(), 2);
    assert_eq!(thread.messages[1].attachments[0].id, shared_file);
    // An attachment can be used once.
    let again = PostMessage {
        kind: PostKind::Reply,
        body: "again".into(),
        client_id: "r2".into(),
        attachment_ids: vec![shared_file],
    };
    app.post(&format!("/api/v1/conversations/{conv}/messages"), admin, &again)
        .await
        .error(422, ErrorCode::ValidationFailed);
}

async fn idempotent_retries(app: TestApp) {
    let visitor = app.new_visitor().await;
    let msg = json!({"body": "only once", "client_id": "retry-1"});
    let first: VisitorMessage = app.post("/api/v1/widget/messages", &visitor.token, &msg).await.json(201);
    let second: VisitorMessage = app.post("/api/v1/widget/messages", &visitor.token, &msg).await.json(200);
    assert_eq!(first.id, second.id);
    let thread: WidgetConversation = app.get("/api/v1/widget/conversation", &visitor.token).await.json(200);
    assert_eq!(thread.messages.len(), 1);
    // Another visitor may use the same client id.
    let other = app.new_visitor().await;
    app.post("/api/v1/widget/messages", &other.token, &msg).await.json::<VisitorMessage>(201);

    let conv = thread.conversation.expect("conversation").id;
    let reply = json!({"kind": "reply", "body": "once", "client_id": "agent-1"});
    let path = format!("/api/v1/conversations/{conv}/messages");
    let a: Message = app.post(&path, app.admin_token(), &reply).await.json(201);
    let b: Message = app.post(&path, app.admin_token(), &reply).await.json(200);
    assert_eq!((a.id, a.seq), (b.id, b.seq));
    // Concurrent retries of one send are stored once.
    let race = json!({"kind": "reply", "body": "race", "client_id": "agent-2"});
    let sends = (0..8).map(|_| app.post(&path, app.admin_token(), &race));
    let answers = futures_util::future::join_all(sends).await;
    let ids: std::collections::HashSet<_> = answers
        .iter()
        .map(|a| {
            assert!(a.status == 200 || a.status == 201, "status {}", a.status);
            serde_json::from_slice::<Message>(&a.bytes).expect("message").id
        })
        .collect();
    assert_eq!(ids.len(), 1);
    // And for a visitor.
    let race = json!({"body": "race", "client_id": "visitor-race"});
    let sends = (0..8).map(|_| app.post("/api/v1/widget/messages", &visitor.token, &race));
    let answers = futures_util::future::join_all(sends).await;
    let ids: std::collections::HashSet<_> = answers
        .iter()
        .map(|a| {
            assert!(a.status == 200 || a.status == 201, "status {}", a.status);
            serde_json::from_slice::<VisitorMessage>(&a.bytes).expect("message").id
        })
        .collect();
    assert_eq!(ids.len(), 1);
    // The log announced each stored message once, and nothing that wasn't stored.
    let stored: shared::Page<Message> =
        app.get(&format!("/api/v1/conversations/{conv}/messages?limit=200"), app.admin_token()).await.json(200);
    let announced = crate::event_log::events_of(&app, conv.0).await;
    let created = announced.iter().filter(|k| *k == "message.created").count();
    assert_eq!(created, stored.items.len());
}
