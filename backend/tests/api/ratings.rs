//! Ratings: the visitor rates their conversation once it is closed, once;
//! agents see the rating as a note in the thread, and the visitor never does.

use crate::helpers::TestApp;
use crate::on_both_databases;
use serde_json::json;
use shared::ErrorCode;
use shared::api::*;
use shared::frames::VisitorServerFrame;
use shared::{Page, limits::MAX_RATING_COMMENT_CHARS};

on_both_databases!(a_closed_conversation_is_rated_once_and_agents_see_it);

async fn a_closed_conversation_is_rated_once_and_agents_see_it(app: TestApp) {
    let admin = app.admin_token().to_owned();
    let visitor = app.new_visitor().await;
    let path = "/api/v1/widget/rating";
    let rating = json!({"score": 4, "comment": "Quick and kind.\nThanks!"});

    // Nothing to rate yet, then still open.
    app.post(path, &visitor.token, &rating).await.error(404, ErrorCode::NotFound);
    let conv = app.visitor_says(&visitor, "Where is my parcel?").await;
    app.agent_says(&admin, conv, PostKind::Reply, "On its way, arriving tomorrow.").await;
    app.post(path, &visitor.token, &rating).await.error(409, ErrorCode::Conflict);

    // Closed: bad ratings are refused and change nothing.
    let _: Conversation = app.post_empty(&format!("/api/v1/conversations/{conv}/close"), &admin).await.json(200);
    for bad in [
        json!({"score": 0}),
        json!({"score": 6}),
        json!({"score": 3, "comment": "x".repeat(MAX_RATING_COMMENT_CHARS + 1)}),
    ] {
        app.post(path, &visitor.token, &bad).await.error(422, ErrorCode::ValidationFailed);
    }
    app.post(path, &visitor.token, &json!({"score": "five"})).await.error(400, ErrorCode::MalformedRequest);
    app.post(path, &admin, &rating).await.error(403, ErrorCode::Forbidden);

    // Rated: the visitor's view says so; agents see a note with the comment, live.
    let (mut agent_ws, _) = app.agent_ws(&admin, None).await;
    let mut visitor_ws = app.visitor_ws(&visitor.token, None).await;
    let rated: VisitorConversation = app.post(path, &visitor.token, &rating).await.json(200);
    assert_eq!((rated.id, rated.rating), (conv, Some(4)));
    let thread: WidgetConversation = app.get("/api/v1/widget/conversation", &visitor.token).await.json(200);
    assert_eq!(thread.conversation.and_then(|c| c.rating), Some(4));
    let note = agent_ws
        .until(|f: &shared::frames::AgentServerFrame| {
            matches!(f, shared::frames::AgentServerFrame::Event { event: shared::events::Event::MessageCreated { message, .. }, .. }
                if message.kind == MessageKind::System && message.body.starts_with("Rated"))
        })
        .await;
    let shared::frames::AgentServerFrame::Event {
        event: shared::events::Event::MessageCreated { message, .. }, ..
    } = note
    else {
        unreachable!()
    };
    assert_eq!(message.body, "Rated ★★★★☆ (4/5) by the visitor\n“Quick and kind.\nThanks!”");
    let messages: Page<Message> = app.get(&format!("/api/v1/conversations/{conv}/messages"), &admin).await.json(200);
    assert!(messages.items.iter().any(|m| m.id == message.id));

    // Once only.
    app.post(path, &visitor.token, &json!({"score": 1})).await.error(409, ErrorCode::Conflict);
    let thread: WidgetConversation = app.get("/api/v1/widget/conversation", &visitor.token).await.json(200);
    assert_eq!(thread.conversation.and_then(|c| c.rating), Some(4));
    assert!(thread.messages.iter().all(|m| !m.body.contains("Rated")), "the note is for agents");

    // The visitor's socket never carries the note: the next thing it sees is
    // the visitor's own next message (which reopens the conversation).
    app.visitor_says(&visitor, "One more thing").await;
    let next = visitor_ws.until(|f: &VisitorServerFrame| matches!(f, VisitorServerFrame::Message { .. })).await;
    let VisitorServerFrame::Message { message, .. } = next else { unreachable!() };
    assert_eq!(message.body, "One more thing");

    // The ratings report: a second conversation rated 2, then the figures.
    let other = app.new_visitor().await;
    let second = app.visitor_says(&other, "Is the shop open on Sunday?").await;
    let _: Conversation = app.post_empty(&format!("/api/v1/conversations/{second}/close"), &admin).await.json(200);
    let _: VisitorConversation =
        app.post(path, &other.token, &json!({"score": 2, "comment": "=cmd|' /C calc'!A0"})).await.json(200);
    let report: RatingsReport = app.get("/api/v1/reports/ratings", &admin).await.json(200);
    assert_eq!((report.count, report.average, report.distribution.clone()), (2, Some(3.0), vec![0, 1, 0, 1, 0]));
    assert_eq!(report.latest.iter().map(|r| r.conversation_id).collect::<Vec<_>>(), [second, conv]);
    assert_eq!(report.latest[1].comment.as_deref(), Some("Quick and kind.\nThanks!"));
    let later = (app.state.now() + chrono::Duration::minutes(1)).to_rfc3339();
    let none: RatingsReport =
        app.get(&format!("/api/v1/reports/ratings?from={}", urlencoding(&later)), &admin).await.json(200);
    assert_eq!((none.count, none.average, none.latest.len()), (0, None, 0));
    let earlier = (app.state.now() - chrono::Duration::minutes(1)).to_rfc3339();
    app.get(&format!("/api/v1/reports/ratings?from={}&to={}", urlencoding(&later), urlencoding(&earlier)), &admin)
        .await
        .error(422, ErrorCode::ValidationFailed);
    let agent = app.new_agent("Ana", Role::Agent).await;
    app.get("/api/v1/reports/ratings", &agent.access_token).await.error(403, ErrorCode::AdminOnly);
    let csv = app.get("/api/v1/reports/ratings.csv", &admin).await;
    assert_eq!(csv.status, 200);
    let body = String::from_utf8_lossy(&csv.bytes).to_string();
    let lines: Vec<&str> = body.split("\r\n").collect();
    assert_eq!(lines[0], "conversation_id,rated_at,score,comment,assignee_id");
    assert!(
        lines[1].starts_with(&format!("{second},")) && lines[1].contains(",2,\"'=cmd|' /C calc'!A0\","),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains(",4,\"Quick and kind.\nThanks!\","), "{}", lines[2]);

    // A banned visitor can't rate.
    let other = app.new_visitor().await;
    let other_conv = app.visitor_says(&other, "hello").await;
    let _: Conversation = app.post_empty(&format!("/api/v1/conversations/{other_conv}/close"), &admin).await.json(200);
    let contact = app.conversation(&admin, other_conv).await.contact_id;
    let _: Contact = app.post_empty(&format!("/api/v1/contacts/{contact}/ban"), &admin).await.json(200);
    app.post(path, &other.token, &json!({"score": 5})).await.error(403, ErrorCode::ContactBanned);
}

fn urlencoding(text: &str) -> String {
    text.replace('+', "%2B").replace(':', "%3A")
}
