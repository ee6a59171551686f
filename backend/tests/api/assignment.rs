//! Routing rules and automatic assignment: a new conversation goes to the group
//! its visitor's page matches, and round robin to that group's members who are
//! online and under their capacity, or stays unassigned.

use crate::helpers::{TestApp, Ws};
use crate::on_both_databases;
use reqwest::Method;
use serde_json::json;
use shared::api::*;
use shared::events::Event;
use shared::frames::AgentServerFrame;
use shared::{AgentId, ConversationId, ErrorCode, GroupId, Page};

on_both_databases!(new_conversations_are_routed_and_assigned_round_robin);

async fn visitor_on(app: &TestApp, page: &str) -> WidgetSession {
    let body = StartSession { page_url: Some(page.into()), site_key: app.site_key().await };
    app.send(app.request(Method::POST, "/api/v1/widget/sessions", None).json(&body)).await.json(201)
}

/// A visitor on `page` writes; returns the conversation once the assigner has
/// written its note (routed or assigned).
async fn routed(app: &TestApp, watch: &mut Ws, page: &str) -> (ConversationId, Conversation, String) {
    let conv = app.visitor_says(&visitor_on(app, page).await, "hello").await;
    let frame = watch
        .until(|f: &AgentServerFrame| {
            matches!(f, AgentServerFrame::Event { event: Event::MessageCreated { message, .. }, .. }
                if message.conversation_id == conv && message.kind == MessageKind::System)
        })
        .await;
    let AgentServerFrame::Event { event: Event::MessageCreated { message, conversation: Some(c) }, .. } = frame else {
        panic!("a note with its conversation");
    };
    (conv, *c, message.body)
}

async fn new_conversations_are_routed_and_assigned_round_robin(app: TestApp) {
    let admin = app.admin_token().to_owned();
    let ana = app.new_agent("Ana", Role::Agent).await.agent;
    let ben = app.new_agent("Ben", Role::Agent).await.agent;
    let cy = app.new_offline_agent("Cy", Role::Agent).await.agent;
    let dee = app.new_agent("Dee", Role::Agent).await;
    let group = |name: &str| GroupInput { name: name.into() };
    let sales: Group = app.post("/api/v1/groups", &admin, &group("Sales")).await.json(201);
    let support: Group = app.post("/api/v1/groups", &admin, &group("Support")).await.json(201);
    assert!(!sales.auto_assign);
    let _: Group = app
        .put(&format!("/api/v1/groups/{}/members", sales.id.0), &admin, &json!({"agent_ids": [ana.id, ben.id, cy.id]}))
        .await
        .json(200);
    let sales: Group =
        app.patch(&format!("/api/v1/groups/{}", sales.id.0), &admin, &json!({"auto_assign": true})).await.json(200);
    assert!(sales.auto_assign);
    assert_eq!(sales.name, "Sales", "a PATCH without a name keeps it");

    // Capacity: 2 for Ana; 0 takes the limit away; bounded.
    let path = format!("/api/v1/agents/{}", ana.id.0);
    let limited: Agent = app.patch(&path, &admin, &json!({"capacity": 5})).await.json(200);
    assert_eq!(limited.capacity, Some(5));
    let unlimited: Agent = app.patch(&path, &admin, &json!({"capacity": 0})).await.json(200);
    assert_eq!(unlimited.capacity, None);
    app.patch(&path, &admin, &json!({"capacity": 1001})).await.error(422, ErrorCode::ValidationFailed);
    app.patch(&path, &dee.access_token, &json!({"capacity": 9})).await.error(403, ErrorCode::AdminOnly);
    let _: Agent = app.patch(&path, &admin, &json!({"capacity": 2})).await.json(200);

    // Routing rules: admins replace them whole; checked before anything is stored.
    let rules = json!({"rules": [
        {"url_contains": " /Pricing ", "group_id": sales.id},
        {"url_contains": "/help", "group_id": support.id},
    ]});
    let stored: RoutingRules = app.put("/api/v1/routing-rules", &admin, &rules).await.json(200);
    assert_eq!(stored.rules.iter().map(|r| r.url_contains.as_str()).collect::<Vec<_>>(), ["/Pricing", "/help"]);
    assert_eq!(stored.rules[0].group_id, sales.id);
    let unknown = json!({"rules": [{"url_contains": "/x", "group_id": GroupId(uuid::Uuid::now_v7())}]});
    app.put("/api/v1/routing-rules", &admin, &unknown).await.error(422, ErrorCode::ValidationFailed);
    let long = json!({"rules": [{"url_contains": "x".repeat(201), "group_id": sales.id}]});
    app.put("/api/v1/routing-rules", &admin, &long).await.error(422, ErrorCode::ValidationFailed);
    let many: Vec<_> = (0..51).map(|i| json!({"url_contains": format!("/{i}"), "group_id": sales.id})).collect();
    app.put("/api/v1/routing-rules", &admin, &json!({ "rules": many })).await.error(422, ErrorCode::ValidationFailed);
    app.put("/api/v1/routing-rules", &dee.access_token, &rules).await.error(403, ErrorCode::AdminOnly);
    let seen: RoutingRules = app.get("/api/v1/routing-rules", &dee.access_token).await.json(200);
    assert_eq!(seen, stored, "agents read them; failed replacements changed nothing");

    // Round robin among Sales members online with room: Ana, Ben, Ana (now full
    // at 2), Ben, Ben. Cy is offline; Dee is not a member.
    let (mut watch, _) = app.agent_ws(&admin, None).await;
    let mut order: Vec<AgentId> = Vec::new();
    let mut ana_first = None;
    for _ in 0..5 {
        let (conv, c, note) = routed(&app, &mut watch, "https://shop.example/pricing?plan=pro").await;
        assert_eq!(c.group_id, Some(sales.id));
        let who = c.assignee_id.expect("assigned");
        let name = if who == ana.id { "Ana" } else { "Ben" };
        assert_eq!(note, format!("Assigned to {name} (Sales) automatically"));
        if who == ana.id && ana_first.is_none() {
            ana_first = Some(conv);
        }
        order.push(who);
    }
    assert_eq!(order, [ana.id, ben.id, ana.id, ben.id, ben.id]);

    // Ana closes one: she has room again, and the round goes on from Ben to her.
    let first = ana_first.expect("Ana had one");
    let _: Conversation = app.post_empty(&format!("/api/v1/conversations/{first}/close"), &admin).await.json(200);
    let (_, c, _) = routed(&app, &mut watch, "https://shop.example/pricing").await;
    assert_eq!(c.assignee_id, Some(ana.id));

    // A page that matches no rule: left alone. The assigner takes events in
    // order, so once the next one is routed, this one was decided.
    let nowhere = app.visitor_says(&visitor_on(&app, "https://shop.example/about").await, "hi").await;
    // A group without automatic assignment: routed, not assigned.
    let (_, c, note) = routed(&app, &mut watch, "https://shop.example/help/returns").await;
    assert_eq!((c.group_id, c.assignee_id), (Some(support.id), None));
    assert_eq!(note, "Routed to group Support");
    let left = app.conversation(&admin, nowhere).await;
    assert_eq!((left.group_id, left.assignee_id), (None, None));
    let thread: Page<Message> = app.get(&format!("/api/v1/conversations/{nowhere}/messages"), &admin).await.json(200);
    assert!(thread.items.iter().all(|m| m.kind != MessageKind::System), "no note on a conversation left alone");

    // Everyone full (Ben limited to what he has) or offline: routed, unassigned.
    let _: Agent = app.patch(&format!("/api/v1/agents/{}", ben.id.0), &admin, &json!({"capacity": 3})).await.json(200);
    let _: Agent = app.patch(&path, &admin, &json!({"capacity": 2})).await.json(200);
    let (_, c, note) = routed(&app, &mut watch, "https://shop.example/pricing").await;
    assert_eq!((c.group_id, c.assignee_id), (Some(sales.id), None));
    assert_eq!(note, "Routed to group Sales");
    let unassigned: Page<Conversation> = app.get("/api/v1/conversations?filter=unassigned", &admin).await.json(200);
    assert!(unassigned.items.iter().any(|u| u.id == c.id));

    // Turning automatic assignment off: routed only.
    let _: Group =
        app.patch(&format!("/api/v1/groups/{}", sales.id.0), &admin, &json!({"auto_assign": false})).await.json(200);
    let _: Agent = app.patch(&path, &admin, &json!({"capacity": 0})).await.json(200);
    let (_, c, _) = routed(&app, &mut watch, "https://shop.example/pricing").await;
    assert_eq!((c.group_id, c.assignee_id), (Some(sales.id), None));

    // Deleting a group takes its rules with it.
    assert_eq!(app.delete(&format!("/api/v1/groups/{}", support.id.0), &admin).await.status, 204);
    let left: RoutingRules = app.get("/api/v1/routing-rules", &admin).await.json(200);
    assert_eq!(left.rules.len(), 1);
}
