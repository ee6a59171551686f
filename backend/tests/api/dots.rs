//! The dot per viewing agent, through the API.

use crate::helpers::TestApp;
use crate::on_both_databases;
use serde_json::json;
use shared::api::*;
use shared::{Dot, ErrorCode};

on_both_databases!(assignment_decides_who_sees_purple, offline_assignees_turn_it_red, group_members_share_the_dot);

async fn assignment_decides_who_sees_purple(app: TestApp) {
    let ben = app.new_agent("Ben", Role::Agent).await;
    let admin = app.admin_token().to_owned();
    let visitor = app.new_visitor().await;
    let conv = app.visitor_says(&visitor, "Hello").await;
    let assign = json!({"agent_id": ben.agent.id});
    let assigned: Conversation =
        app.post(&format!("/api/v1/conversations/{conv}/assign"), &admin, &assign).await.json(200);
    assert_eq!(assigned.assignee_id, Some(ben.agent.id));
    // Assigned to Ben: purple for Ben only.
    assert_eq!(assigned.dot, Dot::None, "not the admin's");
    assert_eq!(app.conversation(&ben.access_token, conv).await.dot, Dot::Purple);
    app.post_empty(&format!("/api/v1/conversations/{conv}/read"), &ben.access_token).await.json::<Conversation>(200);
    assert_eq!(app.conversation(&ben.access_token, conv).await.dot, Dot::None);
    // A new message after reading is purple again.
    app.visitor_says(&visitor, "Are you there?").await;
    assert_eq!(app.conversation(&ben.access_token, conv).await.dot, Dot::Purple);
    // Unassign: purple for whoever has not read it.
    let none: Conversation =
        app.post(&format!("/api/v1/conversations/{conv}/assign"), &admin, &json!({})).await.json(200);
    assert_eq!((none.assignee_id, none.dot), (None, Dot::Purple));
    // Unknown agent.
    let bad = json!({"agent_id": uuid::Uuid::now_v7()});
    app.post(&format!("/api/v1/conversations/{conv}/assign"), &admin, &bad)
        .await
        .error(422, ErrorCode::ValidationFailed);
}

async fn offline_assignees_turn_it_red(app: TestApp) {
    let ben = app.new_agent("Ben", Role::Agent).await;
    let admin = app.admin_token().to_owned();
    let visitor = app.new_visitor().await;
    let conv = app.visitor_says(&visitor, "Hello").await;
    app.post(&format!("/api/v1/conversations/{conv}/assign"), &admin, &json!({"agent_id": ben.agent.id}))
        .await
        .json::<Conversation>(200);
    let away = json!({"availability": "offline"});
    app.patch("/api/v1/me", &ben.access_token, &away).await.json::<Agent>(200);
    assert_eq!(app.conversation(&admin, conv).await.dot, Dot::Red);
    assert_eq!(app.conversation(&ben.access_token, conv).await.dot, Dot::Red);
    app.patch("/api/v1/me", &ben.access_token, &json!({"availability": "online"})).await.json::<Agent>(200);
    assert_eq!(app.conversation(&admin, conv).await.dot, Dot::None);
    assert_eq!(app.conversation(&ben.access_token, conv).await.dot, Dot::Purple);
    // Closed is never red.
    app.patch("/api/v1/me", &ben.access_token, &away).await.json::<Agent>(200);
    let closed: Conversation = app.post_empty(&format!("/api/v1/conversations/{conv}/close"), &admin).await.json(200);
    assert_eq!(closed.dot, Dot::None);
}

async fn group_members_share_the_dot(app: TestApp) {
    let ben = app.new_agent("Ben", Role::Agent).await;
    let cat = app.new_agent("Cat", Role::Agent).await;
    let admin = app.admin_token().to_owned();
    let group: Group = app.post("/api/v1/groups", &admin, &json!({"name": "Sales"})).await.json(201);
    app.put(&format!("/api/v1/groups/{}/members", group.id), &admin, &json!({"agent_ids": [ben.agent.id]}))
        .await
        .json::<Group>(200);
    let visitor = app.new_visitor().await;
    let conv = app.visitor_says(&visitor, "Quote please").await;
    app.post(&format!("/api/v1/conversations/{conv}/assign"), &admin, &json!({"group_id": group.id}))
        .await
        .json::<Conversation>(200);
    assert_eq!(app.conversation(&ben.access_token, conv).await.dot, Dot::Purple);
    assert_eq!(app.conversation(&cat.access_token, conv).await.dot, Dot::None);
    // "Mine" includes group conversations without an agent assignee.
    let mine: shared::Page<Conversation> =
        app.get("/api/v1/conversations?filter=mine", &ben.access_token).await.json(200);
    assert_eq!(mine.items.len(), 1);
    let theirs: shared::Page<Conversation> =
        app.get("/api/v1/conversations?filter=mine", &cat.access_token).await.json(200);
    assert!(theirs.items.is_empty());
    // Only member offline: red.
    app.patch("/api/v1/me", &ben.access_token, &json!({"availability": "away"})).await.json::<Agent>(200);
    assert_eq!(app.conversation(&cat.access_token, conv).await.dot, Dot::Red);
}
