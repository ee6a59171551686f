//! One action on many conversations: each is changed as if alone, one that
//! can't be fails alone, and the request is bounded.

use crate::helpers::TestApp;
use crate::on_both_databases;
use serde_json::json;
use shared::api::*;
use shared::{ConversationId, ErrorCode};

on_both_databases!(bulk_actions_change_each_conversation_and_report_the_rest);

async fn bulk(app: &TestApp, ids: &[ConversationId], action: serde_json::Value) -> BulkOutcome {
    let body = json!({"conversation_ids": ids, "action": action});
    app.post("/api/v1/conversations/bulk", app.admin_token(), &body).await.json(200)
}

async fn bulk_actions_change_each_conversation_and_report_the_rest(app: TestApp) {
    let admin = app.admin_token().to_owned();
    let ben = app.new_agent("Ben", Role::Agent).await;
    let mut ids = Vec::new();
    for text in ["first", "second", "third"] {
        ids.push(app.visitor_says(&app.new_visitor().await, text).await);
    }
    let (a, b, c) = (ids[0], ids[1], ids[2]);
    let gone = ConversationId(uuid::Uuid::now_v7());

    // Closed together; the unknown one fails alone, and a repeat counts once.
    let closed = bulk(&app, &[a, b, gone, a], json!({"type": "close"})).await;
    assert_eq!(closed.updated.iter().map(|c| c.id).collect::<Vec<_>>(), [a, b]);
    assert!(closed.updated.iter().all(|c| c.status == ConversationStatus::Closed));
    assert_eq!(closed.failed.len(), 1);
    assert_eq!((closed.failed[0].conversation_id, closed.failed[0].code), (gone, ErrorCode::NotFound));
    assert_eq!(app.conversation(&admin, c).await.status, ConversationStatus::Open);
    let reopened = bulk(&app, &[a, b], json!({"type": "reopen"})).await;
    assert!(reopened.updated.iter().all(|c| c.status == ConversationStatus::Open));

    // Assigned, labelled, unlabelled.
    let assigned = bulk(&app, &ids, json!({"type": "assign", "agent_id": ben.agent.id})).await;
    assert!(assigned.updated.iter().all(|c| c.assignee_id == Some(ben.agent.id)) && assigned.updated.len() == 3);
    let label: Label =
        app.post("/api/v1/labels", &admin, &json!({"name": "Urgent", "color": "#e5484d"})).await.json(201);
    let labelled = bulk(&app, &[a, c], json!({"type": "add_label", "label_id": label.id})).await;
    assert!(labelled.updated.iter().all(|c| c.label_ids == [label.id]));
    assert!(app.conversation(&admin, b).await.label_ids.is_empty());
    let unknown_label = bulk(&app, &[a], json!({"type": "add_label", "label_id": uuid::Uuid::now_v7()})).await;
    assert_eq!(unknown_label.failed[0].code, ErrorCode::ValidationFailed);
    let unlabelled = bulk(&app, &[a, c], json!({"type": "remove_label", "label_id": label.id})).await;
    assert!(unlabelled.updated.iter().all(|c| c.label_ids.is_empty()));

    // Deleted.
    let deleted = bulk(&app, &[b], json!({"type": "delete"})).await;
    assert_eq!((deleted.deleted.as_slice(), deleted.updated.len()), ([b].as_slice(), 0));
    app.get(&format!("/api/v1/conversations/{b}"), &admin).await.error(404, ErrorCode::NotFound);

    // Bounded, well-formed, agents only.
    let path = "/api/v1/conversations/bulk";
    app.post(path, &admin, &json!({"conversation_ids": [], "action": {"type": "close"}}))
        .await
        .error(422, ErrorCode::ValidationFailed);
    let too_many: Vec<uuid::Uuid> = (0..201).map(|_| uuid::Uuid::now_v7()).collect();
    app.post(path, &admin, &json!({"conversation_ids": too_many, "action": {"type": "close"}}))
        .await
        .error(422, ErrorCode::ValidationFailed);
    app.post(path, &admin, &json!({"conversation_ids": [a], "action": {"type": "explode"}}))
        .await
        .error(400, ErrorCode::MalformedRequest);
    let visitor = app.new_visitor().await;
    app.post(path, &visitor.token, &json!({"conversation_ids": [a], "action": {"type": "close"}}))
        .await
        .error(403, ErrorCode::Forbidden);
}
