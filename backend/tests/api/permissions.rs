use crate::helpers::TestApp;
use crate::on_both_databases;
use serde_json::json;
use shared::api::*;
use shared::{ErrorCode, Page};

on_both_databases!(agents_cannot_do_admin_things, api_keys_are_shown_once_and_revocable, groups_and_members);

async fn agents_cannot_do_admin_things(app: TestApp) {
    let ben = app.new_agent("Ben", Role::Agent).await;
    let t = ben.access_token.as_str();
    let agent = json!({"name": "X", "email": "x@natter.test", "password": "password123"});
    app.post("/api/v1/agents", t, &agent).await.error(403, ErrorCode::AdminOnly);
    app.patch(&format!("/api/v1/agents/{}", ben.agent.id), t, &json!({"role": "admin"}))
        .await
        .error(403, ErrorCode::AdminOnly);
    app.post("/api/v1/groups", t, &json!({"name": "Sales"})).await.error(403, ErrorCode::AdminOnly);
    app.get("/api/v1/api-keys", t).await.error(403, ErrorCode::AdminOnly);
    app.post("/api/v1/api-keys", t, &json!({"name": "k"})).await.error(403, ErrorCode::AdminOnly);
    let group: Group = app.post("/api/v1/groups", app.admin_token(), &json!({"name": "Sales"})).await.json(201);
    let members = json!({"agent_ids": [ben.agent.id]});
    app.put(&format!("/api/v1/groups/{}/members", group.id), t, &members).await.error(403, ErrorCode::AdminOnly);
    app.delete(&format!("/api/v1/groups/{}", group.id), t).await.error(403, ErrorCode::AdminOnly);
    // What agents may do: read the team.
    let agents: Page<Agent> = app.get("/api/v1/agents", t).await.json(200);
    assert_eq!(agents.items.len(), 2);
    // A visitor token is not an agent's.
    let visitor = app.new_visitor().await;
    app.get("/api/v1/conversations", &visitor.token).await.error(403, ErrorCode::Forbidden);
    app.get("/api/v1/agents", &visitor.token).await.error(403, ErrorCode::Forbidden);
    app.get("/api/v1/me", &visitor.token).await.error(403, ErrorCode::Forbidden);
    // And an agent's token is not a visitor's.
    app.get("/api/v1/widget/conversation", t).await.error(403, ErrorCode::Forbidden);
}

async fn api_keys_are_shown_once_and_revocable(app: TestApp) {
    let created: CreatedApiKey =
        app.post("/api/v1/api-keys", app.admin_token(), &json!({"name": "CRM sync"})).await.json(201);
    assert!(created.secret.starts_with("nk_"));
    assert!(created.secret.starts_with(&created.key.prefix));
    let listed = app.get("/api/v1/api-keys", app.admin_token()).await;
    assert!(!String::from_utf8_lossy(&listed.bytes).contains(&created.secret), "secret is never listed");
    let keys: Page<ApiKey> = listed.json(200);
    assert_eq!(keys.items.len(), 1);

    // The key works wherever an agent token does, with its role.
    let visitor = app.new_visitor().await;
    let conv = app.visitor_says(&visitor, "Hello").await;
    let page: Page<Conversation> = app.get("/api/v1/conversations", &created.secret).await.json(200);
    assert_eq!(page.items.len(), 1);
    let reply = app.agent_says(&created.secret, conv, PostKind::Reply, "From the CRM").await;
    assert_eq!(reply.author_name.as_deref(), Some("CRM sync"));
    assert_eq!(reply.agent_id, None);
    app.post("/api/v1/groups", &created.secret, &json!({"name": "Ops"})).await.error(403, ErrorCode::AdminOnly);
    let keys: Page<ApiKey> = app.get("/api/v1/api-keys", app.admin_token()).await.json(200);
    assert!(keys.items[0].last_used_at.is_some(), "use is recorded");

    let revoked: ApiKey =
        app.delete(&format!("/api/v1/api-keys/{}", created.key.id), app.admin_token()).await.json(200);
    assert!(revoked.revoked_at.is_some());
    app.get("/api/v1/conversations", &created.secret).await.error(401, ErrorCode::Unauthorized);

    // An admin key may manage.
    let admin_key: CreatedApiKey =
        app.post("/api/v1/api-keys", app.admin_token(), &json!({"name": "ops", "role": "admin"})).await.json(201);
    let _: Group = app.post("/api/v1/groups", &admin_key.secret, &json!({"name": "Ops"})).await.json(201);
}

async fn groups_and_members(app: TestApp) {
    let ben = app.new_agent("Ben", Role::Agent).await;
    let admin = app.admin_token();
    let group: Group = app.post("/api/v1/groups", admin, &json!({"name": "Sales"})).await.json(201);
    app.post("/api/v1/groups", admin, &json!({"name": "Sales"})).await.error(409, ErrorCode::Conflict);
    let members = json!({"agent_ids": [ben.agent.id, app.admin.agent.id, ben.agent.id]});
    let group: Group = app.put(&format!("/api/v1/groups/{}/members", group.id), admin, &members).await.json(200);
    assert_eq!(group.member_ids.len(), 2);
    let unknown = json!({"agent_ids": [uuid::Uuid::now_v7()]});
    app.put(&format!("/api/v1/groups/{}/members", group.id), admin, &unknown)
        .await
        .error(422, ErrorCode::ValidationFailed);
    let renamed: Group =
        app.patch(&format!("/api/v1/groups/{}", group.id), admin, &json!({"name": "Sales EU"})).await.json(200);
    assert_eq!((renamed.name.as_str(), renamed.member_ids.len()), ("Sales EU", 2));
    let listed: Page<Group> = app.get("/api/v1/groups", &ben.access_token).await.json(200);
    assert_eq!(listed.items, vec![renamed]);
    let visitor = app.new_visitor().await;
    let conv = app.visitor_says(&visitor, "hi").await;
    app.post(&format!("/api/v1/conversations/{conv}/assign"), admin, &json!({"group_id": group.id}))
        .await
        .json::<Conversation>(200);
    assert_eq!(app.delete(&format!("/api/v1/groups/{}", group.id), admin).await.status, 204);
    app.get(&format!("/api/v1/groups/{}", group.id), admin).await.error(404, ErrorCode::NotFound);
    // Its conversations lose the group, and the change is announced.
    assert_eq!(app.conversation(admin, conv).await.group_id, None);
    let kinds = crate::event_log::events_of(&app, conv.0).await;
    assert_eq!(kinds.last().map(String::as_str), Some("conversation.updated"));
}
