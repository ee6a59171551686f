//! The whole story through the API, as DESIGN describes it.

use crate::helpers::TestApp;
use crate::on_both_databases;
use serde_json::json;
use shared::api::*;
use shared::{Dot, ErrorCode, Page};

on_both_databases!(visitor_to_agent_and_back);

async fn visitor_to_agent_and_back(app: TestApp) {
    let ben = app.new_agent("Ben", Role::Agent).await;
    let admin = app.admin_token().to_owned();

    // A visitor starts a session and writes.
    let visitor = app.new_visitor().await;
    let conv = app.visitor_says(&visitor, "Hi, is the **pro** plan monthly?").await;

    // Unassigned and unread: purple for every agent.
    let seen = app.conversation(&admin, conv).await;
    assert_eq!(seen.dot, Dot::Purple);
    assert_eq!(seen.contact_id, visitor.contact_id);
    assert_eq!(app.conversation(&ben.access_token, conv).await.dot, Dot::Purple);

    // Reading clears it for the reader only.
    let read: Conversation = app.post_empty(&format!("/api/v1/conversations/{conv}/read"), &admin).await.json(200);
    assert_eq!(read.dot, Dot::None);
    assert_eq!(app.conversation(&ben.access_token, conv).await.dot, Dot::Purple);

    // 30 seconds unanswered: red for everyone.
    app.clock.advance(chrono::Duration::seconds(29));
    assert_eq!(app.conversation(&admin, conv).await.dot, Dot::None);
    app.clock.advance(chrono::Duration::seconds(2));
    assert_eq!(app.conversation(&admin, conv).await.dot, Dot::Red);
    assert_eq!(app.conversation(&ben.access_token, conv).await.dot, Dot::Red);

    // An internal comment is not a reply: still red, and invisible to the visitor.
    let comment = app.agent_says(&ben.access_token, conv, PostKind::Comment, "VIP, be nice").await;
    assert_eq!(comment.kind, MessageKind::Comment);
    assert_eq!(app.conversation(&admin, conv).await.dot, Dot::Red);

    // A reply clears it.
    let reply =
        app.agent_says(&ben.access_token, conv, PostKind::Reply, "Yes — see [pricing](https://natter.example/p)").await;
    assert!(reply.html.contains(r#"rel="noopener noreferrer nofollow""#));
    let after = app.conversation(&admin, conv).await;
    assert_eq!(after.dot, Dot::None);
    assert!(after.awaiting_reply_since.is_none());

    // The visitor sees their message and the reply, never the comment or system notes.
    let thread: WidgetConversation = app.get("/api/v1/widget/conversation", &visitor.token).await.json(200);
    let kinds: Vec<_> = thread.messages.iter().map(|m| m.kind).collect();
    assert_eq!(kinds, vec![VisitorMessageKind::Visitor, VisitorMessageKind::Agent]);
    assert_eq!(thread.messages[1].author_name.as_deref(), Some("Ben"));
    let raw = app.get("/api/v1/widget/conversation", &visitor.token).await;
    assert!(!String::from_utf8_lossy(&raw.bytes).contains("VIP"), "a comment leaked to the visitor");

    // Agents see everything in order.
    let messages: Page<Message> = app.get(&format!("/api/v1/conversations/{conv}/messages"), &admin).await.json(200);
    let kinds: Vec<_> = messages.items.iter().rev().map(|m| m.kind).collect();
    assert_eq!(kinds, vec![MessageKind::Visitor, MessageKind::Comment, MessageKind::Reply]);

    // Close: a system note, no dot.
    let closed: Conversation = app.post_empty(&format!("/api/v1/conversations/{conv}/close"), &admin).await.json(200);
    assert_eq!((closed.status, closed.dot), (ConversationStatus::Closed, Dot::None));
    let messages: Page<Message> = app.get(&format!("/api/v1/conversations/{conv}/messages"), &admin).await.json(200);
    assert_eq!(messages.items[0].kind, MessageKind::System);
    assert!(messages.items[0].body.contains("Closed by"));

    // Ban: every write by the visitor is refused; nothing is stored.
    let contact: Contact =
        app.post_empty(&format!("/api/v1/contacts/{}/ban", visitor.contact_id), &admin).await.json(200);
    assert!(contact.banned);
    let msg = json!({"body": "let me in", "client_id": "c-ban"});
    app.post("/api/v1/widget/messages", &visitor.token, &msg).await.error(403, ErrorCode::ContactBanned);
    app.patch("/api/v1/widget/contact", &visitor.token, &json!({"name": "X"}))
        .await
        .error(403, ErrorCode::ContactBanned);
    app.upload("/api/v1/widget/attachments", &visitor.token, &[("a.txt", b"hi".to_vec())])
        .await
        .error(403, ErrorCode::ContactBanned);
    let messages: Page<Message> = app.get(&format!("/api/v1/conversations/{conv}/messages"), &admin).await.json(200);
    assert_eq!(messages.items.len(), 4, "nothing stored for the banned visitor");
    let contact: Contact =
        app.post_empty(&format!("/api/v1/contacts/{}/unban", visitor.contact_id), &admin).await.json(200);
    assert!(!contact.banned);

    // The visitor writes again: the conversation reopens and waits for a reply.
    app.visitor_says(&visitor, "One more thing").await;
    let reopened = app.conversation(&admin, conv).await;
    assert_eq!((reopened.status, reopened.dot), (ConversationStatus::Open, Dot::Purple));

    // Delete purges the conversation, its messages and its events.
    assert_eq!(app.delete(&format!("/api/v1/conversations/{conv}"), &admin).await.status, 204);
    app.get(&format!("/api/v1/conversations/{conv}"), &admin).await.error(404, ErrorCode::NotFound);
    app.get(&format!("/api/v1/conversations/{conv}/messages"), &admin).await.error(404, ErrorCode::NotFound);
    let thread: WidgetConversation = app.get("/api/v1/widget/conversation", &visitor.token).await.json(200);
    assert!(thread.conversation.is_none() && thread.messages.is_empty());
    let leftover = crate::event_log::events_of(&app, conv.0).await;
    assert_eq!(leftover, vec!["conversation.deleted".to_owned()]);
}
