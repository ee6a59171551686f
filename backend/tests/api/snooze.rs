//! Snooze on the injected clock: a snoozed conversation leaves the working lists,
//! the server wakes it at its time with a purple dot for its assignee, a visitor
//! message wakes it early; and marking unread brings an agent's own dot back.

use crate::helpers::TestApp;
use crate::on_both_databases;
use chrono::Duration;
use serde_json::json;
use shared::api::*;
use shared::events::Event;
use shared::frames::AgentServerFrame;
use shared::{ConversationId, Dot, ErrorCode, Page};

on_both_databases!(snoozed_conversations_wake_by_themselves_or_when_the_visitor_writes);

async fn listed(app: &TestApp, token: &str, filter: &str) -> Vec<ConversationId> {
    let page: Page<Conversation> = app.get(&format!("/api/v1/conversations?filter={filter}"), token).await.json(200);
    page.items.iter().map(|c| c.id).collect()
}

async fn snooze(
    app: &TestApp,
    token: &str,
    conv: ConversationId,
    until: chrono::DateTime<chrono::Utc>,
) -> Conversation {
    app.post(&format!("/api/v1/conversations/{conv}/snooze"), token, &json!({"until": until})).await.json(200)
}

async fn snoozed_conversations_wake_by_themselves_or_when_the_visitor_writes(app: TestApp) {
    let admin = app.admin_token().to_owned();
    let ben = app.new_agent("Ben", Role::Agent).await;
    let token = ben.access_token.clone();
    let conv = app.visitor_says(&app.new_visitor().await, "my parcel is late").await;
    let assign = json!({"agent_id": ben.agent.id});
    let _: Conversation = app.post(&format!("/api/v1/conversations/{conv}/assign"), &admin, &assign).await.json(200);
    app.agent_says(&token, conv, PostKind::Reply, "I'll check with the courier tomorrow").await;
    let (mut ben_ws, _) = app.agent_ws(&token, None).await;

    // Snoozed for ten minutes: out of the working lists, in the snoozed one.
    let until = app.state.now() + Duration::minutes(10);
    let snoozed = snooze(&app, &admin, conv, until).await;
    assert_eq!(snoozed.snoozed_until.map(|t| t.timestamp_millis()), Some(until.timestamp_millis()));
    for (who, filter) in [(&admin, "open"), (&admin, "unassigned"), (&token, "mine"), (&admin, "missed")] {
        assert!(!listed(&app, who, filter).await.contains(&conv), "{filter}");
    }
    assert_eq!(listed(&app, &admin, "snoozed").await, [conv]);
    assert!(listed(&app, &admin, "all").await.contains(&conv));

    // Bad requests.
    let path = format!("/api/v1/conversations/{conv}/snooze");
    let past = app.state.now() - Duration::minutes(1);
    app.post(&path, &admin, &json!({"until": past})).await.error(422, ErrorCode::ValidationFailed);
    let far = app.state.now() + Duration::days(400);
    app.post(&path, &admin, &json!({"until": far})).await.error(422, ErrorCode::ValidationFailed);
    app.post(&path, &admin, &json!({"until": "tomorrow"})).await.error(400, ErrorCode::MalformedRequest);
    let closed = app.visitor_says(&app.new_visitor().await, "bye").await;
    let _: Conversation = app.post_empty(&format!("/api/v1/conversations/{closed}/close"), &admin).await.json(200);
    app.post(&format!("/api/v1/conversations/{closed}/snooze"), &admin, &json!({"until": until}))
        .await
        .error(422, ErrorCode::ValidationFailed);

    // At its time the server wakes it: back in the lists, purple for Ben (its assignee) only.
    app.clock.advance(Duration::minutes(10));
    // The wake's event and Ben's dot (its own frame, or the event's) come in either order.
    let (mut woke, mut purple) = (false, false);
    while !(woke && purple) {
        match ben_ws.next::<AgentServerFrame>().await {
            AgentServerFrame::Dot { conversation_id, dot } if conversation_id == conv => purple = dot == Dot::Purple,
            AgentServerFrame::Event { event: Event::ConversationUpdated { conversation }, .. }
                if conversation.id == conv =>
            {
                woke = woke || conversation.snoozed_until.is_none();
                purple = conversation.dot == Dot::Purple;
            }
            _ => {}
        }
    }
    assert_eq!(app.conversation(&token, conv).await.dot, Dot::Purple);
    assert_eq!(app.conversation(&admin, conv).await.dot, Dot::None);
    assert!(listed(&app, &token, "mine").await.contains(&conv));
    assert!(listed(&app, &admin, "snoozed").await.is_empty());
    let _: Conversation = app.post_empty(&format!("/api/v1/conversations/{conv}/read"), &token).await.json(200);
    assert_eq!(app.conversation(&token, conv).await.dot, Dot::None);

    // Waking by hand and closing end a snooze too.
    let again = snooze(&app, &token, conv, app.state.now() + Duration::days(1)).await;
    assert!(again.snoozed_until.is_some());
    let woken: Conversation = app.delete(&format!("/api/v1/conversations/{conv}/snooze"), &token).await.json(200);
    assert!(woken.snoozed_until.is_none());
    snooze(&app, &token, conv, app.state.now() + Duration::days(1)).await;
    let _: Conversation = app.post_empty(&format!("/api/v1/conversations/{conv}/close"), &token).await.json(200);
    assert!(app.conversation(&admin, conv).await.snoozed_until.is_none());
    assert!(listed(&app, &admin, "snoozed").await.is_empty());
}

on_both_databases!(a_visitor_message_wakes_a_snoozed_conversation);

async fn a_visitor_message_wakes_a_snoozed_conversation(app: TestApp) {
    let admin = app.admin_token().to_owned();
    let visitor = app.new_visitor().await;
    let conv = app.visitor_says(&visitor, "first question").await;
    app.agent_says(&admin, conv, PostKind::Reply, "answered").await;
    snooze(&app, &admin, conv, app.state.now() + Duration::days(1)).await;
    assert!(!listed(&app, &admin, "open").await.contains(&conv));
    assert_eq!(app.visitor_says(&visitor, "one more thing").await, conv);
    assert!(app.conversation(&admin, conv).await.snoozed_until.is_none());
    assert!(listed(&app, &admin, "open").await.contains(&conv));
}

on_both_databases!(marking_unread_brings_back_the_callers_own_dot);

async fn marking_unread_brings_back_the_callers_own_dot(app: TestApp) {
    let admin = app.admin_token().to_owned();
    let ben = app.new_agent("Ben", Role::Agent).await.access_token;
    let conv = app.visitor_says(&app.new_visitor().await, "hello").await;
    app.agent_says(&admin, conv, PostKind::Reply, "hi!").await;
    let (mut admin_ws, _) = app.agent_ws(&admin, None).await;
    assert_eq!(app.conversation(&admin, conv).await.dot, Dot::None);
    let marked: Conversation = app.post_empty(&format!("/api/v1/conversations/{conv}/unread"), &admin).await.json(200);
    assert_eq!(marked.dot, Dot::Purple);
    // The caller's other tabs hear of it; nobody else's dot changes.
    let frame = admin_ws.until(|f: &AgentServerFrame| matches!(f, AgentServerFrame::Dot { .. })).await;
    assert_eq!(frame, AgentServerFrame::Dot { conversation_id: conv, dot: Dot::Purple });
    assert_eq!(app.conversation(&ben, conv).await.dot, Dot::None);
    let read: Conversation = app.post_empty(&format!("/api/v1/conversations/{conv}/read"), &admin).await.json(200);
    assert_eq!(read.dot, Dot::None);
    let nowhere = ConversationId(uuid::Uuid::now_v7());
    app.post_empty(&format!("/api/v1/conversations/{nowhere}/unread"), &admin).await.error(404, ErrorCode::NotFound);
}
