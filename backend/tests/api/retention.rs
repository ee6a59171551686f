//! Retention: old events are pruned without breaking resume, and uploads no
//! message used are collected after a day (with the injected clock).

use crate::event_log::seqs_after;
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use crate::metrics::{scrape, value};
use crate::on_both_databases;
use backend::retention;
use shared::api::*;
use shared::events::Event;
use shared::frames::{AgentServerFrame, VisitorServerFrame};

on_both_databases!(pruning_keeps_resume_correct, orphan_uploads_are_collected_after_a_day);

async fn pruning_keeps_resume_correct(app: TestApp) {
    let admin = app.admin_token();
    let old_visitor = app.new_visitor().await;
    let conv = app.visitor_says(&old_visitor, "old question").await;
    app.agent_says(admin, conv, PostKind::Reply, "old answer").await;
    let old = seqs_after(&app, 0).await;
    let horizon = *old.last().expect("events");
    app.clock.advance(chrono::Duration::days(31));
    let tokens = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let admin = tokens.access_token.as_str();
    app.agent_says(admin, conv, PostKind::Reply, "new answer").await;
    let newer = seqs_after(&app, horizon).await;
    assert!(!newer.is_empty());

    let swept = retention::sweep(&app.state).await.expect("retention runs");
    assert_eq!(swept.events, old.len() as u64);
    assert_eq!(seqs_after(&app, 0).await, newer, "everything newer is intact, nothing older is left");
    assert_eq!(backend::db::log::horizon(app.state.db.conn()).await.expect("horizon"), horizon);
    assert_eq!(retention::sweep(&app.state).await.expect("again").events, 0);

    // A resume from inside the pruned window must reload...
    let latest = *newer.last().expect("newer");
    let mut ws = app.ws(&format!("/api/v1/ws/agent?after={}", horizon - 1), admin, None).await.expect("socket");
    let first = ws.next::<AgentServerFrame>().await;
    assert!(matches!(first, AgentServerFrame::ReloadRequired { last_seq } if last_seq == latest), "{first:?}");
    let path = format!("/api/v1/ws/visitor?after={}", old[0]);
    let mut vws = app.ws(&path, &old_visitor.token, None).await.expect("socket");
    let first = vws.next::<VisitorServerFrame>().await;
    assert!(matches!(first, VisitorServerFrame::ReloadRequired { .. }), "{first:?}");

    // ...while one from after it replays everything newer, in order.
    let mut ws = app.ws(&format!("/api/v1/ws/agent?after={horizon}"), admin, None).await.expect("socket");
    let mut replayed = Vec::new();
    loop {
        match ws.next::<AgentServerFrame>().await {
            AgentServerFrame::Event { seq, .. } => replayed.push(seq),
            AgentServerFrame::Ready { last_seq, .. } => break assert_eq!(last_seq, latest),
            AgentServerFrame::ReloadRequired { .. } => panic!("a resume after the horizon replays"),
            _ => {}
        }
    }
    assert_eq!(replayed, newer);
    let mut vws = app.ws(&format!("/api/v1/ws/visitor?after={horizon}"), &old_visitor.token, None).await.expect("ws");
    let mut texts = Vec::new();
    loop {
        match vws.next::<VisitorServerFrame>().await {
            VisitorServerFrame::Message { message, .. } => texts.push(message.body),
            VisitorServerFrame::Ready { .. } => break,
            other => assert!(!matches!(other, VisitorServerFrame::ReloadRequired { .. })),
        }
    }
    assert_eq!(texts, ["new answer"]);
    // Messages themselves are kept: the thread is whole over REST.
    let thread: shared::Page<Message> =
        app.get(&format!("/api/v1/conversations/{conv}/messages"), admin).await.json(200);
    let bodies: Vec<&str> = thread.items.iter().rev().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["old question", "old answer", "new answer"]);
    // A live event still carries the next sequence.
    let (mut live, ready) = app.agent_ws(admin, None).await;
    assert_eq!(ready, latest);
    app.agent_says(admin, conv, PostKind::Comment, "still counting").await;
    loop {
        if let AgentServerFrame::Event { seq, event: Event::MessageCreated { .. } } = live.next().await {
            break assert!(seq > latest);
        }
    }
    assert_eq!(value(&scrape(&app, None).await, "natter_events_pruned_total", &[]), old.len() as f64);
}

async fn orphan_uploads_are_collected_after_a_day(app: TestApp) {
    let admin = app.admin_token();
    let files = [("orphan.txt", b"never sent".to_vec()), ("sent.txt", b"sent with a reply".to_vec())];
    let up: Uploaded = app.upload("/api/v1/attachments", admin, &files).await.json(201);
    let (orphan, sent) = (&up.attachments[0], &up.attachments[1]);
    let visitor = app.new_visitor().await;
    let conv = app.visitor_says(&visitor, "can you send the file?").await;
    let reply = PostMessage {
        kind: PostKind::Reply,
        body: "here".into(),
        client_id: "with-file".into(),
        attachment_ids: vec![sent.id],
    };
    let _: Message = app.post(&format!("/api/v1/conversations/{conv}/messages"), admin, &reply).await.json(201);
    let on_disk = |id: shared::AttachmentId| app.data_dir.path().join(format!("files/attachments/{id}")).exists();
    assert!(on_disk(orphan.id) && on_disk(sent.id));

    app.clock.advance(chrono::Duration::hours(23));
    let tokens = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let admin = tokens.access_token.as_str();
    let later: Uploaded = app.upload("/api/v1/attachments", admin, &[("later.txt", b"x".to_vec())]).await.json(201);
    let later = &later.attachments[0];
    assert_eq!(retention::sweep(&app.state).await.expect("sweep").uploads, 0, "nothing is a day old yet");

    app.clock.advance(chrono::Duration::hours(2));
    let tokens = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let admin = tokens.access_token.as_str();
    assert_eq!(retention::sweep(&app.state).await.expect("sweep").uploads, 1);
    app.get(&format!("/api/v1/attachments/{}", orphan.id), admin).await.error(404, shared::ErrorCode::NotFound);
    assert!(!on_disk(orphan.id), "the file went with the row");
    for kept in [sent, later] {
        assert_eq!(app.get(&format!("/api/v1/attachments/{}", kept.id), admin).await.status, 200);
    }

    app.clock.advance(chrono::Duration::hours(24));
    let tokens = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let admin = tokens.access_token.as_str();
    assert_eq!(retention::sweep(&app.state).await.expect("sweep").uploads, 1, "the later upload's day is over");
    assert!(!on_disk(later.id));
    let attached = app.get(&format!("/api/v1/attachments/{}", sent.id), admin).await;
    assert_eq!((attached.status.as_u16(), &attached.bytes[..]), (200, &b"sent with a reply"[..]), "never collected");
    assert!(on_disk(sent.id));
    assert_eq!(value(&scrape(&app, None).await, "natter_orphan_uploads_removed_total", &[]), 2.0);
}
