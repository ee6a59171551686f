//! Routing and automatic assignment of new conversations, run by the server
//! after the conversation is committed (the write path stays as it is):
//!
//! 1. a conversation with no group is routed by the page its visitor is on —
//!    the first routing rule whose text the page address contains;
//! 2. if its group assigns automatically, it goes round robin to the next member
//!    who is online and under their capacity (most open conversations); if
//!    nobody is, it stays unassigned for the team to pick up.
//!
//! The change is a conditional `UPDATE` (still unassigned) with a system note in
//! one transaction, so with several nodes reacting to the same event exactly
//! one assigns it, and the round robin advances once.

use super::messages::system_note;
use super::roster;
use super::validate;
use crate::entities::stored::StoredStatus;
use crate::entities::{agents, contacts, conversations, group_members, groups, routing_rules};
use crate::error::{ApiError, ApiResult};
use crate::events::StoredEvent;
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use shared::api::{RoutingRule, RoutingRules};
use shared::events::Event;
use shared::limits::{MAX_ROUTING_RULES, MAX_ROUTING_TEXT_CHARS};
use shared::{AgentId, ContactId, ConversationId, GroupId};
use std::collections::{HashMap, HashSet};
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

/// The routing rules in order.
pub async fn rules(state: &AppState) -> ApiResult<RoutingRules> {
    let rows = stored_rules(state).await?;
    Ok(RoutingRules {
        rules: rows
            .into_iter()
            .map(|r| RoutingRule { url_contains: r.url_contains, group_id: GroupId(r.group_id) })
            .collect(),
    })
}

async fn stored_rules(state: &AppState) -> ApiResult<Vec<routing_rules::Model>> {
    Ok(routing_rules::Entity::find().order_by_asc(routing_rules::Column::Position).all(state.db.conn()).await?)
}

/// Replaces the routing rules (admin): checked whole, stored in one transaction.
#[tracing::instrument(skip_all, fields(rules = input.rules.len()))]
pub async fn set_rules(state: &AppState, input: RoutingRules) -> ApiResult<RoutingRules> {
    if input.rules.len() > MAX_ROUTING_RULES {
        return Err(ApiError::invalid(format!("at most {MAX_ROUTING_RULES} routing rules")));
    }
    let mut checked = Vec::with_capacity(input.rules.len());
    for rule in &input.rules {
        validate::printable("url_contains", &rule.url_contains)?;
        let text = rule.url_contains.trim();
        if text.chars().count() > MAX_ROUTING_TEXT_CHARS {
            return Err(ApiError::invalid(format!(
                "url_contains must have at most {MAX_ROUTING_TEXT_CHARS} characters"
            )));
        }
        checked.push((text.to_owned(), rule.group_id));
    }
    let wanted: HashSet<Uuid> = checked.iter().map(|(_, g)| g.0).collect();
    let txn = state.db.write().await?;
    let known = groups::Entity::find()
        .select_only()
        .column(groups::Column::Id)
        .filter(groups::Column::Id.is_in(wanted.iter().copied()))
        .into_tuple::<Uuid>()
        .all(&*txn)
        .await?;
    if known.len() != wanted.len() {
        return Err(ApiError::invalid("group_id is not a group"));
    }
    routing_rules::Entity::delete_many().exec(&*txn).await?;
    let now = crate::clock::millis(state.now());
    let rows: Vec<routing_rules::ActiveModel> = checked
        .iter()
        .enumerate()
        .map(|(position, (text, group))| routing_rules::ActiveModel {
            id: Set(Uuid::now_v7()),
            position: Set(position as i32),
            url_contains: Set(text.clone()),
            group_id: Set(group.0),
            created_at: Set(now),
        })
        .collect();
    if !rows.is_empty() {
        routing_rules::Entity::insert_many(rows).exec_without_returning(&*txn).await?;
    }
    txn.commit().await?;
    rules(state).await
}

/// The group the first matching rule routes a page to. A rule with empty text
/// matches every conversation, with or without a page.
pub fn route(rules: &[routing_rules::Model], page: Option<&str>) -> Option<Uuid> {
    let page = page.map(str::to_lowercase);
    rules
        .iter()
        .find(|r| {
            r.url_contains.is_empty()
                || page.as_deref().is_some_and(|p| p.contains(r.url_contains.to_lowercase().as_str()))
        })
        .map(|r| r.group_id)
}

/// A group member as the round robin sees them.
#[derive(Debug, Clone, Copy)]
pub struct Candidate {
    /// The agent.
    pub agent: AgentId,
    /// Online (available and connected).
    pub online: bool,
    /// Open conversations assigned to them now.
    pub open: u64,
    /// The most they take, if limited.
    pub capacity: Option<u32>,
}

/// The next agent after `last` (in id order, wrapping) who is online and under
/// capacity; `None` if nobody is.
pub fn pick(candidates: &[Candidate], last: Option<AgentId>) -> Option<AgentId> {
    let mut eligible: Vec<AgentId> = candidates
        .iter()
        .filter(|c| c.online && c.capacity.is_none_or(|cap| c.open < u64::from(cap)))
        .map(|c| c.agent)
        .collect();
    eligible.sort_by_key(|a| a.0);
    let after = last.and_then(|last| eligible.iter().find(|a| a.0 > last.0));
    after.or(eligible.first()).copied()
}

/// Routes and assigns new conversations as they are created, until shutdown.
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        let mut events = state.bus.subscribe();
        let mut shutdown = state.shutdown.clone();
        loop {
            let event = tokio::select! {
                event = events.recv() => event,
                _ = shutdown.changed() => return,
            };
            let id = match event {
                Ok(event) => match created_unassigned(&event) {
                    Some(id) => id,
                    None => continue,
                },
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "the assigner fell behind; some new conversations stay unassigned");
                    continue;
                }
                Err(RecvError::Closed) => return,
            };
            if let Err(e) = assign_new(&state, id).await {
                tracing::warn!(error = %e, conversation_id = %id.0, "could not route or assign a new conversation");
            }
        }
    });
}

/// The conversation a committed event created, if nobody has it yet.
fn created_unassigned(event: &StoredEvent) -> Option<ConversationId> {
    match &event.event {
        Event::ConversationCreated { conversation } if conversation.assignee_id.is_none() => Some(conversation.id),
        _ => None,
    }
}

/// Routes a new conversation and assigns it, if the rules and its group say so.
#[tracing::instrument(skip_all, fields(conversation_id = %id.0))]
pub async fn assign_new(state: &AppState, id: ConversationId) -> ApiResult<()> {
    let db = state.db.conn();
    let Some(conv) = conversations::Entity::find_by_id(id.0).one(db).await? else { return Ok(()) };
    if conv.assignee_id.is_some() || conv.status != StoredStatus::Open {
        return Ok(());
    }
    let routed = match conv.group_id {
        Some(group) => Some(group),
        None => {
            let rules = stored_rules(state).await?;
            if rules.is_empty() {
                return Ok(());
            }
            let page = match state.bus.presence().local_page(ContactId(conv.contact_id)) {
                Some(page) => Some(page),
                None => contacts::Entity::find_by_id(conv.contact_id)
                    .select_only()
                    .column(contacts::Column::CurrentPage)
                    .into_tuple::<Option<String>>()
                    .one(db)
                    .await?
                    .flatten(),
            };
            route(&rules, page.as_deref())
        }
    };
    let Some(group_id) = routed else { return Ok(()) };
    let Some(group) = groups::Entity::find_by_id(group_id).one(db).await? else { return Ok(()) };
    let agent = if group.auto_assign { next_agent(state, &group).await? } else { None };
    if agent.is_none() && conv.group_id == Some(group_id) {
        return Ok(());
    }
    let now = state.now();
    let mut txn = state.db.write().await?;
    let changed = conversations::Entity::update_many()
        .col_expr(conversations::Column::GroupId, Expr::value(group_id))
        .col_expr(conversations::Column::AssigneeId, Expr::value(agent.as_ref().map(|a| a.0.0)))
        .filter(conversations::Column::Id.eq(id.0))
        .filter(conversations::Column::AssigneeId.is_null())
        .filter(conversations::Column::Status.eq(StoredStatus::Open))
        .exec(&*txn)
        .await?;
    if changed.rows_affected != 1 {
        return Ok(());
    }
    let note = match &agent {
        Some((agent, name)) => {
            let mut model: groups::ActiveModel = group.clone().into();
            model.last_assigned_id = Set(Some(agent.0));
            model.update(&*txn).await?;
            format!("Assigned to {name} ({}) automatically", group.name)
        }
        None => format!("Routed to group {}", group.name),
    };
    system_note(&mut txn, &conv, note, now).await?;
    txn.commit().await?;
    Ok(())
}

/// The group's next agent in the round, with their name.
async fn next_agent(state: &AppState, group: &groups::Model) -> ApiResult<Option<(AgentId, String)>> {
    let db = state.db.conn();
    let members: Vec<Uuid> = group_members::Entity::find()
        .select_only()
        .column(group_members::Column::AgentId)
        .filter(group_members::Column::GroupId.eq(group.id))
        .into_tuple()
        .all(db)
        .await?;
    if members.is_empty() {
        return Ok(None);
    }
    let team = roster::snapshot(state).await?;
    let online: Vec<Uuid> = members.into_iter().filter(|m| team.team.online.contains(&AgentId(*m))).collect();
    if online.is_empty() {
        return Ok(None);
    }
    let people: Vec<(Uuid, String, Option<i32>)> = agents::Entity::find()
        .select_only()
        .columns([agents::Column::Id, agents::Column::Name, agents::Column::Capacity])
        .filter(agents::Column::Id.is_in(online.iter().copied()))
        .filter(agents::Column::Active.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    let open: HashMap<Uuid, i64> = conversations::Entity::find()
        .select_only()
        .column(conversations::Column::AssigneeId)
        .column_as(conversations::Column::Id.count(), "open")
        .filter(conversations::Column::AssigneeId.is_in(online.iter().copied()))
        .filter(conversations::Column::Status.eq(StoredStatus::Open))
        .group_by(conversations::Column::AssigneeId)
        .into_tuple::<(Uuid, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let candidates: Vec<Candidate> = people
        .iter()
        .map(|(id, _, capacity)| Candidate {
            agent: AgentId(*id),
            online: true,
            open: open.get(id).copied().unwrap_or(0).max(0) as u64,
            capacity: capacity.and_then(|c| u32::try_from(c).ok()),
        })
        .collect();
    let Some(agent) = pick(&candidates, group.last_assigned_id.map(AgentId)) else { return Ok(None) };
    let name = people.into_iter().find(|(id, _, _)| *id == agent.0).map(|(_, name, _)| name).unwrap_or_default();
    Ok(Some((agent, name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(text: &str, group: u128) -> routing_rules::Model {
        routing_rules::Model {
            id: Uuid::now_v7(),
            position: 0,
            url_contains: text.into(),
            group_id: Uuid::from_u128(group),
            created_at: 0,
        }
    }

    #[test]
    fn the_first_rule_whose_text_the_page_contains_wins_whatever_the_case() {
        let rules = [rule("/pricing", 1), rule("/docs", 2), rule("", 3)];
        assert_eq!(route(&rules, Some("https://shop.test/Pricing?plan=pro")), Some(Uuid::from_u128(1)));
        assert_eq!(route(&rules, Some("https://shop.test/docs/pricing")), Some(Uuid::from_u128(1)));
        assert_eq!(route(&rules, Some("https://shop.test/docs/start")), Some(Uuid::from_u128(2)));
        assert_eq!(route(&rules, Some("https://shop.test/")), Some(Uuid::from_u128(3)));
        assert_eq!(route(&rules, None), Some(Uuid::from_u128(3)));
        assert_eq!(route(&rules[..2], None), None);
        assert_eq!(route(&rules[..2], Some("https://shop.test/about")), None);
        assert_eq!(route(&[], Some("https://shop.test/pricing")), None);
    }

    fn member(n: u128, online: bool, open: u64, capacity: Option<u32>) -> Candidate {
        Candidate { agent: AgentId(Uuid::from_u128(n)), online, open, capacity }
    }

    #[test]
    fn the_round_goes_on_from_the_last_agent_skipping_offline_and_full_ones() {
        let id = |n| AgentId(Uuid::from_u128(n));
        let team = [
            member(3, true, 0, None),
            member(1, true, 5, Some(5)),
            member(2, false, 0, None),
            member(4, true, 1, Some(2)),
        ];
        // 1 is full, 2 offline: the round is 3, 4, 3, 4 …
        assert_eq!(pick(&team, None), Some(id(3)));
        assert_eq!(pick(&team, Some(id(3))), Some(id(4)));
        assert_eq!(pick(&team, Some(id(4))), Some(id(3)));
        // The last agent may have left the group: the round goes on after their id.
        assert_eq!(pick(&team, Some(id(2))), Some(id(3)));
        // Nobody online with room: nobody.
        let nobody = [member(1, true, 0, Some(0)), member(2, false, 0, None), member(3, true, 2, Some(2))];
        assert_eq!(pick(&nobody, None), None);
        assert_eq!(pick(&[], Some(id(1))), None);
    }
}
