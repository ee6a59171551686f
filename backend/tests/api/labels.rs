use crate::helpers::TestApp;
use crate::on_both_databases;
use serde_json::{Value, json};
use shared::api::*;
use shared::events::Event;
use shared::frames::AgentServerFrame;
use shared::limits::MAX_LABELS_PER_CONVERSATION;
use shared::{ConversationId, ErrorCode, LabelId, Page};

on_both_databases!(labels_are_defined_by_admins_and_put_on_conversations_by_agents);

async fn label(app: &TestApp, name: &str, color: &str) -> Label {
    app.post("/api/v1/labels", app.admin_token(), &json!({"name": name, "color": color})).await.json(201)
}

async fn add(app: &TestApp, token: &str, conv: ConversationId, label: LabelId) -> Conversation {
    app.post(&format!("/api/v1/conversations/{conv}/labels"), token, &json!({"label_id": label})).await.json(200)
}

async fn carrying(app: &TestApp, label: LabelId) -> Vec<ConversationId> {
    let page: Page<Conversation> =
        app.get(&format!("/api/v1/conversations?filter=all&label_id={label}"), app.admin_token()).await.json(200);
    page.items.iter().map(|c| c.id).collect()
}

/// The next `conversation.updated` an agent's socket receives.
async fn updated(ws: &mut crate::helpers::Ws) -> Conversation {
    match ws
        .until(|f: &AgentServerFrame| {
            matches!(f, AgentServerFrame::Event { event: Event::ConversationUpdated { .. }, .. })
        })
        .await
    {
        AgentServerFrame::Event { event: Event::ConversationUpdated { conversation }, .. } => conversation,
        other => panic!("{other:?}"),
    }
}

async fn labels_are_defined_by_admins_and_put_on_conversations_by_agents(app: TestApp) {
    let admin = app.admin_token().to_owned();
    let ben = app.new_agent("Ben", Role::Agent).await.access_token;

    // Admins define them: names unique whatever their case, colours checked.
    let billing = label(&app, " Billing ", "#FF0000").await;
    assert_eq!((billing.name.as_str(), billing.color.as_str()), ("Billing", "#ff0000"));
    let vip = label(&app, "VIP", "#6d4aff").await;
    let bad = |body: Value| {
        let app = &app;
        let admin = admin.clone();
        async move { app.post("/api/v1/labels", &admin, &body).await }
    };
    bad(json!({"name": "billing", "color": "#000000"})).await.error(409, ErrorCode::Conflict);
    bad(json!({"name": "Red", "color": "red"})).await.error(422, ErrorCode::ValidationFailed);
    bad(json!({"name": "  ", "color": "#000000"})).await.error(422, ErrorCode::ValidationFailed);
    bad(json!({"name": "x".repeat(51), "color": "#000000"})).await.error(422, ErrorCode::ValidationFailed);
    bad(json!({"name": "No colour"})).await.error(400, ErrorCode::MalformedRequest);
    app.post("/api/v1/labels", &ben, &json!({"name": "Mine", "color": "#000000"}))
        .await
        .error(403, ErrorCode::AdminOnly);
    let listed: Page<Label> = app.get("/api/v1/labels", &ben).await.json(200);
    assert_eq!(listed.items.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(), ["Billing", "VIP"]);

    // Agents put them on conversations; every agent hears of it, the visitor never.
    let vera = app.new_visitor().await;
    let first = app.visitor_says(&vera, "my invoice is wrong").await;
    let other = app.visitor_says(&app.new_visitor().await, "hello").await;
    let (mut admin_ws, _) = app.agent_ws(&admin, None).await;
    let mut vera_ws = app.visitor_ws(&vera.token, None).await;
    let labelled = add(&app, &ben, first, billing.id).await;
    assert_eq!(labelled.label_ids, [billing.id]);
    assert_eq!(updated(&mut admin_ws).await.label_ids, [billing.id]);
    assert_eq!(add(&app, &ben, first, billing.id).await.label_ids, [billing.id], "adding twice keeps one");
    let both = add(&app, &ben, first, vip.id).await;
    assert_eq!(both.label_ids.len(), 2);
    assert!(both.label_ids.contains(&vip.id));
    assert_eq!(updated(&mut admin_ws).await.label_ids.len(), 2);
    add(&app, &ben, other, vip.id).await;
    assert_eq!(updated(&mut admin_ws).await.id, other);
    assert_eq!(app.conversation(&admin, first).await.label_ids.len(), 2);

    // The list filters by label, through the index.
    assert_eq!(carrying(&app, billing.id).await, [first]);
    let mut with_vip = carrying(&app, vip.id).await;
    with_vip.sort();
    let mut expected = vec![first, other];
    expected.sort();
    assert_eq!(with_vip, expected);

    // Wrong ids.
    let nowhere = ConversationId(uuid::Uuid::now_v7());
    app.post(&format!("/api/v1/conversations/{nowhere}/labels"), &ben, &json!({"label_id": vip.id}))
        .await
        .error(404, ErrorCode::NotFound);
    app.post(&format!("/api/v1/conversations/{first}/labels"), &ben, &json!({"label_id": uuid::Uuid::now_v7()}))
        .await
        .error(422, ErrorCode::ValidationFailed);
    app.post(&format!("/api/v1/conversations/{first}/labels"), &ben, &json!({"label_id": "nope"}))
        .await
        .error(400, ErrorCode::MalformedRequest);
    app.post(&format!("/api/v1/conversations/{first}/labels"), &vera.token, &json!({"label_id": vip.id}))
        .await
        .error(403, ErrorCode::Forbidden);

    // Renaming keeps it on its conversations; deleting takes it off them, live.
    let renamed: Label = app
        .put(&format!("/api/v1/labels/{}", billing.id), &admin, &json!({"name": "Invoices", "color": "#00aa00"}))
        .await
        .json(200);
    assert_eq!(renamed.name, "Invoices");
    assert_eq!(carrying(&app, billing.id).await, [first]);
    app.delete(&format!("/api/v1/labels/{}", vip.id), &ben).await.error(403, ErrorCode::AdminOnly);
    assert_eq!(app.delete(&format!("/api/v1/labels/{}", vip.id), &admin).await.status, 204);
    let mut emptied = [updated(&mut admin_ws).await, updated(&mut admin_ws).await];
    emptied.sort_by_key(|c| c.id);
    assert_eq!(emptied.iter().map(|c| c.id).collect::<Vec<_>>(), expected);
    assert_eq!(emptied.iter().find(|c| c.id == first).map(|c| c.label_ids.clone()), Some(vec![billing.id]));
    assert!(app.conversation(&admin, other).await.label_ids.is_empty());
    assert!(carrying(&app, vip.id).await.is_empty());
    app.get(&format!("/api/v1/labels/{}", vip.id), &admin).await.error(404, ErrorCode::NotFound);

    // Taking one off, twice.
    for _ in 0..2 {
        let answer = app.delete(&format!("/api/v1/conversations/{first}/labels/{}", billing.id), &ben).await;
        assert!(answer.json::<Conversation>(200).label_ids.is_empty());
    }
    assert!(carrying(&app, billing.id).await.is_empty());

    // At most 20 on one conversation.
    for n in 0..MAX_LABELS_PER_CONVERSATION {
        let l = label(&app, &format!("Topic {n}"), "#123456").await;
        add(&app, &ben, other, l.id).await;
    }
    let one_more = label(&app, "One more", "#123456").await;
    app.post(&format!("/api/v1/conversations/{other}/labels"), &ben, &json!({"label_id": one_more.id}))
        .await
        .error(422, ErrorCode::ValidationFailed);
    assert_eq!(app.conversation(&admin, other).await.label_ids.len(), MAX_LABELS_PER_CONVERSATION);

    // The visitor's socket saw none of it: the reply after it all is the first frame naming anything of labels.
    let reply = app.agent_says(&ben, first, PostKind::Reply, "Fixed, sorry!").await;
    loop {
        let frame: Value = vera_ws.next().await;
        let text = frame.to_string();
        assert!(!text.contains("label") && !text.contains(&billing.id.to_string()), "{text}");
        if text.contains(&reply.id.to_string()) {
            break;
        }
    }
}
