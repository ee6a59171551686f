//! The event log: one row per change, in the change's own transaction, with
//! sequence numbers that only grow.

use crate::helpers::TestApp;
use crate::on_both_databases;
use backend::entities::{attachments, events};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use shared::api::*;

on_both_databases!(every_change_is_logged_in_order, concurrent_writers_get_distinct_ordered_sequences);

/// The kinds of the events of a conversation, in order.
pub async fn events_of(app: &TestApp, conversation: uuid::Uuid) -> Vec<String> {
    events::Entity::find()
        .filter(events::Column::ConversationId.eq(conversation))
        .order_by_asc(events::Column::Seq)
        .all(app.state.db.conn())
        .await
        .expect("events")
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

/// How many attachment rows exist.
pub async fn count_attachments(app: &TestApp) -> u64 {
    attachments::Entity::find().count(app.state.db.conn()).await.expect("count")
}

async fn every_change_is_logged_in_order(app: TestApp) {
    let mut bus = app.state.bus.subscribe();
    let visitor = app.new_visitor().await;
    let conv = app.visitor_says(&visitor, "Hello").await;
    let reply = app.agent_says(app.admin_token(), conv, PostKind::Reply, "Hi!").await;
    app.post_empty(&format!("/api/v1/conversations/{conv}/close"), app.admin_token()).await.json::<Conversation>(200);
    assert_eq!(
        events_of(&app, conv.0).await,
        ["conversation.created", "message.created", "message.created", "message.created"]
    );
    // The stored message carries the sequence of its event, and the bus delivered
    // every event in sequence order after commit.
    let logged = events::Entity::find()
        .filter(events::Column::ConversationId.eq(conv.0))
        .order_by_asc(events::Column::Seq)
        .all(app.state.db.conn())
        .await
        .expect("events");
    assert_eq!(logged[2].seq, reply.seq);
    let mut published = Vec::new();
    while let Ok(event) = bus.try_recv() {
        published.push(event.seq);
    }
    let stored: Vec<i64> = logged.iter().map(|e| e.seq).collect();
    let published: Vec<i64> = published.into_iter().filter(|s| stored.contains(s)).collect();
    assert_eq!(published, stored);
    // Each message carries its conversation as it is after it: the reply ended the wait.
    let Ok(shared::events::Event::MessageCreated { conversation: Some(after_reply), .. }) =
        serde_json::from_str(&logged[2].payload)
    else {
        panic!("a message event with its conversation")
    };
    assert_eq!(after_reply.awaiting_reply_since, None);
    // A system note is for agents, but its event tells the visitor the conversation closed.
    assert!(!logged[2].agents_only && !logged[3].agents_only);
}

async fn concurrent_writers_get_distinct_ordered_sequences(app: TestApp) {
    let visitors = futures_util::future::join_all((0..6).map(|_| app.new_visitor())).await;
    let sends = visitors.iter().enumerate().flat_map(|(i, v)| {
        (0..4).map(move |n| {
            let body = serde_json::json!({"body": format!("v{i} m{n}"), "client_id": format!("{i}-{n}")});
            (v.token.clone(), body)
        })
    });
    let answers = futures_util::future::join_all(sends.map(|(token, body)| {
        let app = &app;
        async move { app.post("/api/v1/widget/messages", &token, &body).await }
    }))
    .await;
    for answer in &answers {
        assert_eq!(answer.status, 201, "{}", String::from_utf8_lossy(&answer.bytes));
    }
    let all = events::Entity::find().order_by_asc(events::Column::Seq).all(app.state.db.conn()).await.expect("events");
    let messages = all.iter().filter(|e| e.kind == "message.created").count();
    assert_eq!(messages, 24);
    assert!(all.windows(2).all(|w| w[0].seq < w[1].seq));
}

/// Every sequence after `after`, in order.
pub async fn seqs_after(app: &TestApp, after: i64) -> Vec<i64> {
    events::Entity::find()
        .filter(events::Column::Seq.gt(after))
        .order_by_asc(events::Column::Seq)
        .all(app.state.db.conn())
        .await
        .expect("events")
        .into_iter()
        .map(|e| e.seq)
        .collect()
}
