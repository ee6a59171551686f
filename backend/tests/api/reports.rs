//! The conversations report: conversations per local day and hour, first
//! response and resolution times (median, 90th percentile, buckets) and replies
//! by agent, on the injected clock; its filters (agent, group, label — the
//! label also on the missed history), its CSV files and its refusals.

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use crate::on_both_databases;
use backend::clock::Clock;
use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Timelike, Utc};
use serde_json::json;
use shared::api::*;
use shared::{ConversationId, ErrorCode, Page};
use std::collections::BTreeMap;

on_both_databases!(
    the_conversations_report_counts_times_and_replies,
    the_migration_fills_first_responses_from_the_messages
);

const ZONE: chrono_tz::Tz = chrono_tz::Asia::Kolkata;

fn at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Waits until the missed rule has turned `conv` red.
async fn until_red(app: &TestApp, token: &str, conv: ConversationId) {
    while app.conversation(token, conv).await.missed_at.is_none() {
        tokio::task::yield_now().await;
    }
}

async fn report(app: &TestApp, token: &str, query: &str) -> ConversationsReport {
    app.get(&format!("/api/v1/reports/conversations?{query}"), token).await.json(200)
}

async fn the_conversations_report_counts_times_and_replies(app: TestApp) {
    let admin = app.admin_token().to_owned();
    let ben = app.new_agent("Ben", Role::Agent).await;
    let sales: Group = app.post("/api/v1/groups", &admin, &json!({"name": "Sales"})).await.json(201);
    let vip: Label = app.post("/api/v1/labels", &admin, &json!({"name": "VIP", "color": "#d97706"})).await.json(201);

    // A: answered by Ben after 90 s and closed then; it turned red first.
    let t0 = app.clock.now();
    let a = app.visitor_says(&app.new_visitor().await, "Where is my order?").await;
    let _: Conversation = app
        .post(&format!("/api/v1/conversations/{a}/assign"), &admin, &json!({"agent_id": ben.agent.id}))
        .await
        .json(200);
    app.clock.advance(Duration::seconds(90));
    until_red(&app, &admin, a).await;
    app.agent_says(&ben.access_token, a, PostKind::Reply, "It ships today.").await;
    let _: Conversation = app.post_empty(&format!("/api/v1/conversations/{a}/close"), &admin).await.json(200);
    // B (VIP): answered by the admin after 10 minutes; C (Sales): never answered.
    let t1 = app.clock.now();
    let b = app.visitor_says(&app.new_visitor().await, "Can I change my plan?").await;
    let _: Conversation =
        app.post(&format!("/api/v1/conversations/{b}/labels"), &admin, &json!({"label_id": vip.id})).await.json(200);
    app.clock.advance(Duration::seconds(600));
    until_red(&app, &admin, b).await;
    app.agent_says(&admin, b, PostKind::Reply, "Of course, from Settings.").await;
    app.agent_says(&admin, b, PostKind::Comment, "Upsell?").await;
    let t2 = app.clock.now();
    let c = app.visitor_says(&app.new_visitor().await, "Do you ship to Peru?").await;
    let _: Conversation =
        app.post(&format!("/api/v1/conversations/{c}/assign"), &admin, &json!({"group_id": sales.id})).await.json(200);
    // D, a day later (agents' tokens renewed): Ben answers in 20 s. A second
    // reply to B changes nothing of its first response.
    let fourth = app.new_visitor().await;
    app.clock.advance(Duration::days(1));
    let admin = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.access_token;
    let ben_token = app.login("ben@natter.test", "password123").await.access_token;
    let t3 = app.clock.now();
    let d = app.visitor_says(&fourth, "Hi again").await;
    app.clock.advance(Duration::seconds(20));
    app.agent_says(&ben_token, d, PostKind::Reply, "Hello!").await;
    app.agent_says(&admin, b, PostKind::Reply, "Anything else?").await;

    // The whole range, counted in Kolkata (UTC+5:30).
    let range = format!("from={}&to={}", at(t0 - Duration::hours(1)), at(t3 + Duration::hours(1)));
    let r = report(&app, &admin, &format!("{range}&tz=Asia/Kolkata")).await;
    assert_eq!(r.time_zone, "Asia/Kolkata");
    assert_eq!((r.conversations, r.answered), (4, 3));
    let local = |t: DateTime<Utc>| t.with_timezone(&ZONE);
    let mut expected: BTreeMap<NaiveDate, (u64, u64)> = BTreeMap::new();
    let mut hours = vec![0u64; 24];
    for (t, answered) in [(t0, 1), (t1, 1), (t2, 0), (t3, 1)] {
        let e = expected.entry(local(t).date_naive()).or_default();
        *e = (e.0 + 1, e.1 + answered);
        hours[local(t).hour() as usize] += 1;
    }
    let first_day = local(t0 - Duration::hours(1)).date_naive();
    let last_day = local(t3 + Duration::hours(1)).date_naive();
    let days: Vec<NaiveDate> = first_day.iter_days().take_while(|d| *d <= last_day).collect();
    assert_eq!(r.days.iter().map(|d| d.day).collect::<Vec<_>>(), days, "every day of the range, in order");
    for day in &r.days {
        let (n, answered) = expected.get(&day.day).copied().unwrap_or_default();
        assert_eq!((day.conversations, day.answered), (n, answered), "{}", day.day);
    }
    assert_eq!(r.hours, hours);
    let first = &r.first_response;
    assert_eq!((first.count, first.median_seconds, first.p90_seconds), (3, Some(90), Some(600)));
    assert_eq!(first.buckets, [1, 1, 1, 0, 0, 0, 0]);
    let resolved = &r.resolution;
    assert_eq!((resolved.count, resolved.median_seconds, resolved.p90_seconds), (1, Some(90), Some(90)));
    assert_eq!(resolved.buckets, [0, 1, 0, 0, 0, 0, 0]);
    let by_agent: Vec<(shared::AgentId, u64, u64)> =
        r.agents.iter().map(|a| (a.agent_id, a.messages, a.conversations)).collect();
    assert_eq!(by_agent, [(ben.agent.id, 2, 2), (app.admin.agent.id, 2, 1)]);

    // Filters: a label, an assigned agent, a group.
    let vip_only = report(&app, &admin, &format!("{range}&label_id={}", vip.id)).await;
    assert_eq!((vip_only.conversations, vip_only.answered, vip_only.first_response.median_seconds), (1, 1, Some(600)));
    assert_eq!(vip_only.agents.iter().map(|a| (a.agent_id, a.messages)).collect::<Vec<_>>(), [(app.admin.agent.id, 2)]);
    let bens = report(&app, &admin, &format!("{range}&agent_id={}", ben.agent.id)).await;
    assert_eq!((bens.conversations, bens.resolution.count), (1, 1));
    assert_eq!(bens.agents.iter().map(|a| (a.agent_id, a.messages)).collect::<Vec<_>>(), [(ben.agent.id, 2)]);
    let of_sales = report(&app, &admin, &format!("{range}&group_id={}", sales.id)).await;
    assert_eq!((of_sales.conversations, of_sales.answered, of_sales.first_response.median_seconds), (1, 0, None));
    assert!(of_sales.agents.is_empty());
    // Only the conversations started in the range: from just after B, C and D.
    let later =
        report(&app, &admin, &format!("from={}&to={}", at(t1 + Duration::seconds(1)), at(t3 + Duration::hours(1))))
            .await;
    assert_eq!((later.conversations, later.answered), (2, 1));
    // The label filters the missed history too: A and B turned red, only B is VIP.
    let missed: Page<MissedEpisode> =
        app.get(&format!("/api/v1/reports/missed?label_id={}", vip.id), &admin).await.json(200);
    assert_eq!(missed.items.iter().map(|e| e.conversation_id).collect::<Vec<_>>(), [b]);

    // CSV: one row per conversation (by default the 30 days up to now), and the replies by agent.
    let csv = app.get("/api/v1/reports/conversations.csv", &admin).await;
    assert_eq!(csv.status, 200);
    assert!(csv.headers["content-type"].to_str().unwrap_or_default().starts_with("text/csv"));
    let text = String::from_utf8_lossy(&csv.bytes).to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "conversation_id,started_at,first_reply_at,first_response_seconds,closed_at,resolution_seconds,assignee_id,group_id"
    );
    assert_eq!(lines.len(), 5, "{text}");
    let row_a: Vec<&str> = lines.iter().find(|l| l.starts_with(&a.to_string())).expect("A's row").split(',').collect();
    assert_eq!((row_a[3], row_a[5], row_a[6]), ("90", "90", ben.agent.id.to_string().as_str()));
    let row_c: Vec<&str> = lines.iter().find(|l| l.starts_with(&c.to_string())).expect("C's row").split(',').collect();
    assert_eq!((row_c[2], row_c[3], row_c[7]), ("", "", sales.id.to_string().as_str()));
    let agents = app.get("/api/v1/reports/agents.csv", &admin).await;
    let text = String::from_utf8_lossy(&agents.bytes).to_string();
    assert_eq!(
        text,
        format!(
            "agent_id,agent_name,replies,conversations\r\n{},\"Ben\",2,2\r\n{},\"{}\",2,1\r\n",
            ben.agent.id, app.admin.agent.id, app.admin.agent.name
        )
    );

    // Refusals: agents, an unknown zone, a range backwards or too long, a bad time.
    app.get("/api/v1/reports/conversations", &ben_token).await.error(403, ErrorCode::AdminOnly);
    app.get("/api/v1/reports/agents.csv", &ben_token).await.error(403, ErrorCode::AdminOnly);
    app.get("/api/v1/reports/conversations?tz=Mars/Olympus", &admin).await.error(422, ErrorCode::ValidationFailed);
    let backwards = format!("from={}&to={}", at(t3), at(t0));
    app.get(&format!("/api/v1/reports/conversations?{backwards}"), &admin)
        .await
        .error(422, ErrorCode::ValidationFailed);
    let long = format!("from={}&to={}", at(t3 - Duration::days(401)), at(t3));
    app.get(&format!("/api/v1/reports/conversations.csv?{long}"), &admin).await.error(422, ErrorCode::ValidationFailed);
    app.get("/api/v1/reports/conversations?from=monday", &admin).await.error(400, ErrorCode::MalformedRequest);
    app.get("/api/v1/reports/conversations?label_id=7", &admin).await.error(400, ErrorCode::MalformedRequest);
}

/// Conversations stored before the write path kept their first responses get
/// them from their messages: the migration, run again, gives the same report.
async fn the_migration_fills_first_responses_from_the_messages(app: TestApp) {
    use migrations::{Migrator, MigratorTrait};
    let admin = app.admin_token().to_owned();
    let answered = app.visitor_says(&app.new_visitor().await, "Is it in stock?").await;
    app.agent_says(&admin, answered, PostKind::Comment, "Checking the warehouse").await;
    app.clock.advance(Duration::seconds(45));
    app.agent_says(&admin, answered, PostKind::Reply, "Yes, two left.").await;
    app.clock.advance(Duration::seconds(100));
    app.visitor_says(&app.new_visitor().await, "Hello?").await;
    let written = report(&app, &admin, "").await;
    assert_eq!((written.conversations, written.answered, written.first_response.median_seconds), (2, 1, Some(45)));

    // Undo the migration and any after it (the columns go), and apply them again (they are filled
    // from the messages).
    let db = app.state.db.migration_conn();
    let applied = Migrator::get_applied_migrations(db).await.expect("the applied migrations");
    let at = applied.iter().position(|m| m.name() == "m20261207_000150_add_first_response").expect("applied");
    Migrator::down(db, Some(u32::try_from(applied.len() - at).unwrap_or(1))).await.expect("undone");
    Migrator::up(db, None).await.expect("applied again");
    let filled = report(&app, &admin, "").await;
    assert_eq!(filled.first_response, written.first_response);
    assert_eq!((filled.conversations, filled.answered), (2, 1));
    let csv = app.get("/api/v1/reports/conversations.csv", &admin).await;
    let text = String::from_utf8_lossy(&csv.bytes).to_string();
    let row: Vec<&str> =
        text.lines().find(|l| l.starts_with(&answered.to_string())).expect("its row").split(',').collect();
    assert_eq!(row[3], "45", "{text}");
}
