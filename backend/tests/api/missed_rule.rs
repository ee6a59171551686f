//! The missed rule keeps time on the injected clock: a waiting conversation turns
//! red when its deadline comes, not a millisecond before, and one answered in
//! time never does. "Not before" is checked after the rule has looked at every
//! waiting conversation (woken by a team change, counted by its metric).

use crate::helpers::TestApp;
use crate::metrics::{scrape, value};
use crate::on_both_databases;
use chrono::Duration;
use shared::ConversationId;
use shared::api::*;
use shared::events::Event;
use shared::frames::AgentServerFrame;

on_both_databases!(the_rule_fires_at_the_deadline_and_never_for_an_answer_in_time);

async fn everything_runs(app: &TestApp) -> f64 {
    value(&scrape(app, None).await, "natter_missed_rule_runs_total", &[("cause", "everything")])
}

/// Makes the rule look at every waiting conversation now, and waits until it has.
async fn make_the_rule_look(app: &TestApp) {
    let before = everything_runs(app).await;
    backend::domain::roster::changed(&app.state);
    while everything_runs(app).await <= before {
        tokio::task::yield_now().await;
    }
}

async fn missed_at(app: &TestApp, conversation: ConversationId) -> Option<chrono::DateTime<chrono::Utc>> {
    app.conversation(app.admin_token(), conversation).await.missed_at
}

async fn the_rule_fires_at_the_deadline_and_never_for_an_answer_in_time(app: TestApp) {
    let missed_after = app.state.settings.missed_after();
    let (mut ws, _) = app.agent_ws(app.admin_token(), None).await;
    let late = app.visitor_says(&app.new_visitor().await, "anyone there?").await;
    let answered = app.visitor_says(&app.new_visitor().await, "hello").await;
    app.clock.advance(missed_after / 2);
    app.agent_says(app.admin_token(), answered, PostKind::Reply, "Hi, how can I help?").await;
    // A millisecond before the deadline, nothing is red.
    app.clock.advance(missed_after - missed_after / 2 - Duration::milliseconds(1));
    make_the_rule_look(&app).await;
    assert_eq!(missed_at(&app, late).await, None, "not before the deadline");
    // At the deadline, the waiting one turns red by itself, live.
    app.clock.advance(Duration::milliseconds(1));
    let red = loop {
        let frame = ws.until(|f: &AgentServerFrame| matches!(f, AgentServerFrame::Event { .. })).await;
        if let AgentServerFrame::Event { event: Event::ConversationUpdated { conversation }, .. } = frame
            && conversation.id == late
            && conversation.missed_at.is_some()
        {
            break conversation;
        }
    };
    assert_eq!(red.dot, shared::Dot::Red);
    let missed: shared::Page<Conversation> =
        app.get("/api/v1/conversations?filter=missed", app.admin_token()).await.json(200);
    assert_eq!(missed.items.iter().map(|c| c.id).collect::<Vec<_>>(), vec![late], "the missed list holds the red one");
    // The answered one never does, however long it waits (within the admin token's life).
    app.clock.advance(Duration::minutes(10));
    make_the_rule_look(&app).await;
    assert_eq!(missed_at(&app, answered).await, None, "answered in time");
    // Answered late, it leaves the missed list.
    app.agent_says(app.admin_token(), late, PostKind::Reply, "Sorry for the wait").await;
    let missed: shared::Page<Conversation> =
        app.get("/api/v1/conversations?filter=missed", app.admin_token()).await.json(200);
    assert!(missed.items.is_empty(), "{:?}", missed.items);
}
