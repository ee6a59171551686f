//! The Reports page: the conversations of the range (per day, per hour, first
//! response, replies by agent) and the missed ones, answered or not, with their
//! figures, charts and CSV exports; a label narrows every report.

use crate::harness::*;
use chrono::Duration;
use shared::api::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reports_count_chart_filter_and_export() {
    let server = Server::start().await;
    let token = server.admin.access_token.clone();
    let vip: Label =
        server.post("/api/v1/labels", &token, &serde_json::json!({"name": "VIP", "color": "#d97706"}), 201).await;
    with_browser("reports", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        // With the admin online, both turn red at the deadline; one is answered afterwards.
        let answered = server.visitor_says(&server.new_visitor().await, "Hello?").await;
        let ignored = server.visitor_says(&server.new_visitor().await, "Anyone?").await;
        b.find(&format!("{}[data-dot=purple]", card(answered))).await?;
        b.find(&format!("{}[data-dot=purple]", card(ignored))).await?;
        server.clock.advance(Duration::seconds(31));
        b.find(&format!("{}[data-dot=red]", card(answered))).await?;
        b.find(&format!("{}[data-dot=red]", card(ignored))).await?;
        let reply = PostMessage {
            kind: PostKind::Reply,
            body: "Sorry for the wait!".into(),
            client_id: "late".into(),
            attachment_ids: vec![],
        };
        let _: Message = server.post(&format!("/api/v1/conversations/{answered}/messages"), &token, &reply, 201).await;

        b.click("#nav-reports").await?;
        b.until_text("#report-missed-count", "2").await?;
        b.until_text("#report-answered-count", "1").await?;
        b.until_text("#report-never-count", "1").await?;
        b.find(&format!("#report-missed-table tr.unanswered[data-conversation='{ignored}']")).await?;
        b.find(&format!("#report-missed-table tr[data-conversation='{answered}']:not(.unanswered)")).await?;
        // The chart: a week of days on its axis, today's bar in both colours.
        b.find("#report-chart svg").await?;
        let today = chrono::Local::now().format("%-d %b").to_string();
        b.until_text("#report-chart svg", &today).await?;
        b.until(
            "both stacks drawn",
            "document.querySelectorAll('#report-chart svg rect[fill=\"#6D4AFF\"]').length >= 1 \
            && document.querySelectorAll('#report-chart svg rect[fill=\"#E5484D\"]').length >= 1",
        )
        .await?;

        // The export hands over the same rows as CSV.
        b.js("window.__csv = null; const make = URL.createObjectURL; \
              URL.createObjectURL = blob => { blob.text().then(t => window.__csv = t); return make(blob); }; return 1")
            .await?;
        b.click("#report-csv").await?;
        b.until("the CSV", "window.__csv && window.__csv.startsWith('conversation_id,')").await?;
        let csv = b.js("return window.__csv").await?;
        let csv = csv.as_str().unwrap_or_default();
        assert_eq!(csv.lines().count(), 3, "{csv}");
        assert!(csv.contains(&answered.to_string()) && csv.contains(&ignored.to_string()), "{csv}");

        // The conversations report: both started today, one answered after 31 s, by the admin.
        b.until_text("#conv-count", "2").await?;
        b.until_text("#conv-answered", "1").await?;
        b.until_text("#first-response-median", "31 s").await?;
        b.until_text("#conv-chart svg", &today).await?;
        b.until_text("#conv-days-table", &chrono::Local::now().format("%Y-%m-%d").to_string()).await?;
        for chart in ["#conv-hours-chart", "#first-response-chart", "#resolution-chart", "#agents-chart"] {
            b.find(&format!("{chart} svg")).await?;
        }
        b.until_text("#agents-table", &server.admin.agent.name).await?;
        b.js("window.__csv = null; return 1").await?;
        b.click("#conversations-csv").await?;
        b.until("the conversations CSV", "window.__csv && window.__csv.startsWith('conversation_id,started_at')")
            .await?;
        let csv = b.js("return window.__csv").await?;
        let csv = csv.as_str().unwrap_or_default();
        assert_eq!(csv.lines().count(), 3, "{csv}");
        let answered_row = csv.lines().find(|l| l.starts_with(&answered.to_string())).unwrap_or_default();
        assert_eq!(answered_row.split(',').nth(3), Some("31"), "{csv}");

        // A label narrows every report to its conversations.
        let _: Conversation = server
            .post(
                &format!("/api/v1/conversations/{ignored}/labels"),
                &token,
                &serde_json::json!({"label_id": vip.id}),
                200,
            )
            .await;
        b.find("#report-label").await?.select_by_value(&vip.id.to_string()).await?;
        b.until_text("#conv-count", "1").await?;
        b.until_text("#conv-answered", "0").await?;
        b.until_text("#report-missed-count", "1").await?;
        b.until_text("#report-never-count", "1").await?;
        Ok(())
    })
    .await;
}
