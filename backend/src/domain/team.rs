//! Agents and groups, and the team snapshot the dot rule reads.

use super::messages::append_conversation;
use super::validate;
use crate::auth::password;
use crate::clock::{from_millis, millis};
use crate::entities::{agent_sessions, agents, conversations, group_members, groups};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use shared::api::{Agent, CreateAgent, Group, Role, UpdateAgent, UpdateGroup};
use shared::{AgentId, ConversationId, GroupId, Page};
use std::collections::HashMap;
use uuid::Uuid;

use crate::entities::stored::{StoredAvailability, StoredRole};

impl From<agents::Model> for Agent {
    fn from(m: agents::Model) -> Self {
        Self {
            id: AgentId(m.id),
            role: m.role.into(),
            availability: m.availability.into(),
            name: m.name,
            email: m.email,
            active: m.active,
            capacity: m.capacity.and_then(|c| u32::try_from(c).ok()),
            created_at: from_millis(m.created_at),
        }
    }
}

/// An agent's name, if the agent exists.
pub async fn agent_name(state: &AppState, id: AgentId) -> ApiResult<Option<String>> {
    Ok(agents::Entity::find_by_id(id.0).one(state.db.conn()).await?.map(|a| a.name))
}

/// Creates an agent (admin).
#[tracing::instrument(skip_all)]
pub async fn create_agent(state: &AppState, input: CreateAgent) -> ApiResult<Agent> {
    let name = validate::required("name", &input.name)?;
    let email = validate::email(&input.email)?;
    validate::password(&input.password)?;
    let db = state.db.conn();
    if agents::Entity::find().filter(agents::Column::Email.eq(&email)).count(db).await? > 0 {
        return Err(ApiError::Conflict("an agent with this email already exists".into()));
    }
    let hash = password::hash(input.password).await?;
    insert_agent(state, name, email, hash, input.role.unwrap_or(Role::Agent)).await
}

/// Inserts an agent whose password is already hashed.
pub async fn insert_agent(state: &AppState, name: String, email: String, hash: String, role: Role) -> ApiResult<Agent> {
    let now = millis(state.now());
    let model = agents::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        email: Set(email),
        password_hash: Set(hash),
        role: Set(role.into()),
        availability: Set(StoredAvailability::Online),
        active: Set(true),
        capacity: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&state.db.autocommit())
    .await?;
    state.team_changed();
    Ok(model.into())
}

/// Lists agents by name.
pub async fn list_agents(state: &AppState, cursor: Option<String>, limit: u64) -> ApiResult<Page<Agent>> {
    let mut query = agents::Entity::find().order_by_asc(agents::Column::Id);
    if let Some(after) = cursor.as_deref().map(parse_uuid_cursor).transpose()? {
        query = query.filter(agents::Column::Id.gt(after));
    }
    let rows = query.limit(limit + 1).all(state.db.conn()).await?;
    Ok(page_by_id(rows, limit, |a| a.id))
}

/// A page from `limit + 1` rows ordered by id.
pub fn page_by_id<M, T: From<M>>(mut rows: Vec<M>, limit: u64, id: impl Fn(&M) -> Uuid) -> Page<T> {
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = if more { rows.last().map(|r| id(r).to_string()) } else { None };
    Page { items: rows.into_iter().map(T::from).collect(), next_cursor }
}

/// Parses a cursor that is an id.
pub fn parse_uuid_cursor(cursor: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(cursor).map_err(|_| ApiError::Malformed("invalid cursor".into()))
}

/// One agent.
pub async fn get_agent(state: &AppState, id: AgentId) -> ApiResult<agents::Model> {
    agents::Entity::find_by_id(id.0).one(state.db.conn()).await?.ok_or(ApiError::NotFound)
}

/// Changes an agent (admin). Deactivating ends their sessions; an admin can't
/// demote or deactivate the last active admin.
#[tracing::instrument(skip_all, fields(agent_id = %id))]
pub async fn update_agent(state: &AppState, id: AgentId, input: UpdateAgent) -> ApiResult<Agent> {
    let current = get_agent(state, id).await?;
    let was_active_admin = current.active && current.role == StoredRole::Admin;
    let demoted = matches!(input.role, Some(Role::Agent)) || input.active == Some(false);
    if was_active_admin && demoted {
        let admins = agents::Entity::find()
            .filter(agents::Column::Role.eq(StoredRole::Admin))
            .filter(agents::Column::Active.eq(true))
            .count(state.db.conn())
            .await?;
        if admins <= 1 {
            return Err(ApiError::Conflict("the last admin can't be demoted or deactivated".into()));
        }
    }
    let mut model: agents::ActiveModel = current.into();
    if let Some(name) = &input.name {
        model.name = Set(validate::required("name", name)?);
    }
    if let Some(role) = input.role {
        model.role = Set(role.into());
    }
    if let Some(active) = input.active {
        model.active = Set(active);
    }
    if let Some(availability) = input.availability {
        model.availability = Set(availability.into());
    }
    if let Some(capacity) = input.capacity {
        if capacity > shared::limits::MAX_CAPACITY {
            return Err(ApiError::invalid(format!("capacity is at most {}", shared::limits::MAX_CAPACITY)));
        }
        model.capacity = Set((capacity > 0).then_some(capacity as i32));
    }
    let now = millis(state.now());
    model.updated_at = Set(now);
    let model = model.update(&state.db.autocommit()).await?;
    if input.active == Some(false) {
        revoke_sessions(state, id, None).await?;
    }
    state.team_changed();
    Ok(model.into())
}

/// Revokes an agent's sessions, except `keep`.
pub async fn revoke_sessions(state: &AppState, agent: AgentId, keep: Option<Uuid>) -> ApiResult<()> {
    let mut update = agent_sessions::Entity::update_many()
        .col_expr(agent_sessions::Column::RevokedAt, Expr::value(millis(state.now())))
        .filter(agent_sessions::Column::AgentId.eq(agent.0))
        .filter(agent_sessions::Column::RevokedAt.is_null());
    if let Some(keep) = keep {
        update = update.filter(agent_sessions::Column::Id.ne(keep));
    }
    update.exec(&state.db.autocommit()).await?;
    Ok(())
}

async fn group_dto(state: &AppState, rows: Vec<groups::Model>) -> ApiResult<Vec<Group>> {
    let ids: Vec<Uuid> = rows.iter().map(|g| g.id).collect();
    let members =
        group_members::Entity::find().filter(group_members::Column::GroupId.is_in(ids)).all(state.db.conn()).await?;
    let mut by_group: HashMap<Uuid, Vec<AgentId>> = HashMap::new();
    for m in members {
        by_group.entry(m.group_id).or_default().push(AgentId(m.agent_id));
    }
    Ok(rows
        .into_iter()
        .map(|g| Group {
            id: GroupId(g.id),
            member_ids: by_group.remove(&g.id).unwrap_or_default(),
            name: g.name,
            auto_assign: g.auto_assign,
            created_at: from_millis(g.created_at),
        })
        .collect())
}

/// Lists groups.
pub async fn list_groups(state: &AppState, cursor: Option<String>, limit: u64) -> ApiResult<Page<Group>> {
    let mut query = groups::Entity::find().order_by_asc(groups::Column::Id);
    if let Some(after) = cursor.as_deref().map(parse_uuid_cursor).transpose()? {
        query = query.filter(groups::Column::Id.gt(after));
    }
    let mut rows = query.limit(limit + 1).all(state.db.conn()).await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = if more { rows.last().map(|g| g.id.to_string()) } else { None };
    Ok(Page { items: group_dto(state, rows).await?, next_cursor })
}

/// One group.
pub async fn get_group(state: &AppState, id: GroupId) -> ApiResult<Group> {
    let row = groups::Entity::find_by_id(id.0).one(state.db.conn()).await?.ok_or(ApiError::NotFound)?;
    group_dto(state, vec![row]).await?.pop().ok_or(ApiError::NotFound)
}

/// Creates a group (admin).
#[tracing::instrument(skip_all)]
pub async fn create_group(state: &AppState, name: &str) -> ApiResult<Group> {
    let name = validate::required("name", name)?;
    let model = groups::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        created_at: Set(millis(state.now())),
        auto_assign: Set(false),
        last_assigned_id: Set(None),
    }
    .insert(&state.db.autocommit())
    .await?;
    get_group(state, GroupId(model.id)).await
}

/// Renames a group or turns its automatic assignment on or off (admin).
#[tracing::instrument(skip_all, fields(group_id = %id))]
pub async fn update_group(state: &AppState, id: GroupId, input: UpdateGroup) -> ApiResult<Group> {
    let name = input.name.as_deref().map(|n| validate::required("name", n)).transpose()?;
    let row = groups::Entity::find_by_id(id.0).one(state.db.conn()).await?.ok_or(ApiError::NotFound)?;
    let mut model: groups::ActiveModel = row.into();
    if let Some(name) = name {
        model.name = Set(name);
    }
    if let Some(on) = input.auto_assign {
        model.auto_assign = Set(on);
    }
    model.update(&state.db.autocommit()).await?;
    get_group(state, id).await
}

/// Deletes a group; its conversations lose the group (each with its
/// `conversation.updated`) and keep their agent assignee.
#[tracing::instrument(skip_all, fields(group_id = %id))]
pub async fn delete_group(state: &AppState, id: GroupId) -> ApiResult<()> {
    let now = state.now();
    let mut txn = state.db.write().await?;
    groups::Entity::find_by_id(id.0).one(&*txn).await?.ok_or(ApiError::NotFound)?;
    let affected: Vec<Uuid> = conversations::Entity::find()
        .select_only()
        .column(conversations::Column::Id)
        .filter(conversations::Column::GroupId.eq(id.0))
        .into_tuple()
        .all(&*txn)
        .await?;
    conversations::Entity::update_many()
        .col_expr(conversations::Column::GroupId, Expr::value(Option::<Uuid>::None))
        .filter(conversations::Column::GroupId.eq(id.0))
        .exec(&*txn)
        .await?;
    for conversation in affected {
        append_conversation(&mut txn, ConversationId(conversation), false, now).await?;
    }
    groups::Entity::delete_by_id(id.0).exec(&*txn).await?;
    txn.commit().await?;
    state.team_changed();
    Ok(())
}

/// Replaces a group's members (admin).
#[tracing::instrument(skip_all, fields(group_id = %id))]
pub async fn set_members(state: &AppState, id: GroupId, agent_ids: Vec<AgentId>) -> ApiResult<Group> {
    groups::Entity::find_by_id(id.0).one(state.db.conn()).await?.ok_or(ApiError::NotFound)?;
    let mut unique: Vec<Uuid> = agent_ids.iter().map(|a| a.0).collect();
    unique.sort();
    unique.dedup();
    let known = agents::Entity::find().filter(agents::Column::Id.is_in(unique.clone())).count(state.db.conn()).await?;
    if known != unique.len() as u64 {
        return Err(ApiError::invalid("unknown agent in agent_ids"));
    }
    let txn = state.db.write().await?;
    group_members::Entity::delete_many().filter(group_members::Column::GroupId.eq(id.0)).exec(&*txn).await?;
    if !unique.is_empty() {
        group_members::Entity::insert_many(
            unique
                .into_iter()
                .map(|agent_id| group_members::ActiveModel { group_id: Set(id.0), agent_id: Set(agent_id) }),
        )
        .exec(&*txn)
        .await?;
    }
    txn.commit().await?;
    state.team_changed();
    get_group(state, id).await
}
