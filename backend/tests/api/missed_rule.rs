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
    app.state.team_changed();
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
    // The history keeps the turn to red, unanswered so far; agents can't read it.
    let history = missed_history(&app, "").await;
    assert_eq!(history.len(), 1);
    assert_eq!((history[0].conversation_id, history[0].answered_at), (late, None));
    assert_eq!(history[0].missed_at, red.missed_at.expect("red"));
    let ben = app.new_agent("Ben", Role::Agent).await;
    app.get("/api/v1/reports/missed", &ben.access_token).await.error(403, shared::ErrorCode::AdminOnly);
    // Answered late, it leaves the missed list; the history says when it was answered.
    let sorry = app.agent_says(app.admin_token(), late, PostKind::Reply, "Sorry for the wait").await;
    let missed: shared::Page<Conversation> =
        app.get("/api/v1/conversations?filter=missed", app.admin_token()).await.json(200);
    assert!(missed.items.is_empty(), "{:?}", missed.items);
    let history = missed_history(&app, "").await;
    assert_eq!(history[0].answered_at, Some(sorry.created_at));
    // Filtered by time and by agent; exported as CSV.
    let after = (sorry.created_at + Duration::seconds(1)).to_rfc3339();
    assert!(missed_history(&app, &format!("from={}", urlencode(&after))).await.is_empty());
    assert!(missed_history(&app, &format!("agent_id={}", ben.agent.id)).await.is_empty(), "it was nobody's");
    let csv = app.get("/api/v1/reports/missed.csv", app.admin_token()).await;
    assert_eq!(csv.status, 200);
    assert!(csv.headers["content-type"].to_str().unwrap_or_default().starts_with("text/csv"));
    let text = String::from_utf8_lossy(&csv.bytes).to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "conversation_id,waiting_since,missed_at,assignee_id,group_id,answered_at,minutes_to_answer");
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[1].starts_with(&late.to_string()), "{text}");
    app.get("/api/v1/reports/missed?from=yesterday", app.admin_token())
        .await
        .error(400, shared::ErrorCode::MalformedRequest);
}

fn urlencode(value: &str) -> String {
    value.replace('+', "%2B").replace(':', "%3A")
}

async fn missed_history(app: &TestApp, query: &str) -> Vec<MissedEpisode> {
    let page: shared::Page<MissedEpisode> =
        app.get(&format!("/api/v1/reports/missed?{query}"), app.admin_token()).await.json(200);
    page.items
}
