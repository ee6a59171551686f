//! Erasing a contact leaves nothing of theirs behind: rows, files, the event
//! log's copies, webhook deliveries; other contacts are untouched.

use crate::helpers::TestApp;
use crate::receiver::Receiver;
use crate::webhooks::{add_webhook, allow_private};
use backend::entities::{attachments, conversations, events, messages, visitor_sessions, webhook_deliveries};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use shared::api::*;
use shared::events::Event;
use shared::frames::AgentServerFrame;
use shared::{AttachmentId, ErrorCode, Page};

crate::on_both_databases_with!(allow_private; erasing_a_contact_leaves_nothing_of_theirs);

async fn erasing_a_contact_leaves_nothing_of_theirs(app: TestApp) {
    let admin = app.admin_token().to_owned();
    let ben = app.new_agent("Ben", Role::Agent).await.access_token;
    let receiver = Receiver::start(&[]).await;
    add_webhook(&app, &receiver.url, &["message.created", "contact.deleted", "conversation.deleted"]).await;

    // Vera writes, sends a file, leaves one unsent; the team answers and comments.
    let vera = app.new_visitor().await;
    let conv = app.visitor_says(&vera, "my secret is zanzibar").await;
    let files = [("passport.txt", b"vera's passport".to_vec()), ("draft.txt", b"never sent".to_vec())];
    let up: Uploaded = app.upload("/api/v1/widget/attachments", &vera.token, &files).await.json(201);
    let (sent, unsent) = (up.attachments[0].id, up.attachments[1].id);
    let with_file = WidgetPostMessage { body: "here".into(), client_id: "f1".into(), attachment_ids: vec![sent] };
    let _: VisitorMessage = app.post("/api/v1/widget/messages", &vera.token, &with_file).await.json(201);
    app.agent_says(&admin, conv, PostKind::Reply, "thanks zanzibar").await;
    app.agent_says(&admin, conv, PostKind::Comment, "she said zanzibar").await;
    // A second conversation, started by the team.
    let started: Conversation =
        app.post("/api/v1/conversations", &admin, &json!({"contact_id": vera.contact_id})).await.json(201);
    let second = started.id;
    assert_ne!(second, conv);
    app.agent_says(&admin, second, PostKind::Reply, "one more thing").await;
    // Someone else's conversation, which stays.
    let other = app.new_visitor().await;
    let kept = app.visitor_says(&other, "zanzibar is lovely").await;
    receiver.wait_for(5).await;
    let on_disk = |id: AttachmentId| app.data_dir.path().join(format!("files/attachments/{id}")).exists();
    assert!(on_disk(sent) && on_disk(unsent));

    // Admins only.
    app.delete(&format!("/api/v1/contacts/{}", vera.contact_id), &ben).await.error(403, ErrorCode::AdminOnly);
    let (mut ws, _) = app.agent_ws(&admin, None).await;
    assert_eq!(app.delete(&format!("/api/v1/contacts/{}", vera.contact_id), &admin).await.status, 204);
    app.delete(&format!("/api/v1/contacts/{}", vera.contact_id), &admin).await.error(404, ErrorCode::NotFound);

    // Agents see the conversations go, then the contact.
    let mut gone = Vec::new();
    loop {
        match ws.until(|f: &AgentServerFrame| matches!(f, AgentServerFrame::Event { .. })).await {
            AgentServerFrame::Event { event: Event::ConversationDeleted { conversation_id, contact_id }, .. } => {
                assert_eq!(contact_id, vera.contact_id);
                gone.push(conversation_id);
            }
            AgentServerFrame::Event { event: Event::ContactDeleted { contact_id }, .. } => {
                break assert_eq!(contact_id, vera.contact_id);
            }
            other => panic!("{other:?}"),
        }
    }
    gone.sort();
    let mut expected = vec![conv, second];
    expected.sort();
    assert_eq!(gone, expected);

    // Nothing of hers over the API.
    app.get(&format!("/api/v1/contacts/{}", vera.contact_id), &admin).await.error(404, ErrorCode::NotFound);
    app.get(&format!("/api/v1/conversations/{conv}"), &admin).await.error(404, ErrorCode::NotFound);
    app.get(&format!("/api/v1/attachments/{sent}"), &admin).await.error(404, ErrorCode::NotFound);
    app.get("/api/v1/widget/conversation", &vera.token).await.error(401, ErrorCode::Unauthorized);
    let found: Page<Conversation> = app.get("/api/v1/conversations?filter=all&q=zanzibar", &admin).await.json(200);
    assert_eq!(found.items.iter().map(|c| c.id).collect::<Vec<_>>(), [kept]);
    let log: EventsPage = app.get("/api/v1/events?after=0&limit=200", &admin).await.json(200);
    let text = serde_json::to_string(&log.items).expect("json");
    assert!(!text.contains("passport") && !text.contains("my secret"), "{text}");
    assert!(log.items.iter().any(|e| e.event == "contact.deleted"));

    // Nor in the database or on disk.
    let db = app.state.db.conn();
    let convs = conversations::Entity::find().filter(conversations::Column::ContactId.eq(vera.contact_id.0));
    assert_eq!(convs.count(db).await.expect("count"), 0);
    let msgs = messages::Entity::find().filter(messages::Column::ConversationId.is_in([conv.0, second.0]));
    assert_eq!(msgs.count(db).await.expect("count"), 0);
    let files = attachments::Entity::find().filter(attachments::Column::Id.is_in([sent.0, unsent.0]));
    assert_eq!(files.count(db).await.expect("count"), 0);
    let sessions = visitor_sessions::Entity::find().filter(visitor_sessions::Column::ContactId.eq(vera.contact_id.0));
    assert_eq!(sessions.count(db).await.expect("count"), 0);
    let logged = events::Entity::find().filter(events::Column::ContactId.eq(vera.contact_id.0)).all(db).await;
    let names: Vec<String> = logged.expect("events").into_iter().map(|e| e.kind).collect();
    assert!(names.iter().all(|n| n == "conversation.deleted" || n == "contact.deleted"), "{names:?}");
    let payloads = webhook_deliveries::Entity::find().all(db).await.expect("deliveries");
    assert!(payloads.iter().all(|d| !d.payload.contains("my secret") && !d.payload.contains("passport")));
    assert!(!on_disk(sent) && !on_disk(unsent));

    // The other contact's conversation is whole.
    let thread: Page<Message> = app.get(&format!("/api/v1/conversations/{kept}/messages"), &admin).await.json(200);
    assert_eq!(thread.items.len(), 1);
    let hits = receiver.wait_for(5 + 3).await;
    assert!(hits.iter().any(|h| h.json()["event"] == "contact.deleted"));
}
