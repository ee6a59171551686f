//! One action on many conversations (the inbox's multi-select): each conversation
//! is changed in its own transaction with its own events, exactly as when acted
//! on alone, and one that can't be (gone, closed for a snooze, …) fails alone.

use super::{conversation_actions as actions, labels};
use crate::auth::CurrentAgent;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use shared::ConversationId;
use shared::api::{AssignRequest, BulkAction, BulkFailure, BulkOutcome, BulkRequest, Conversation};
use shared::limits::MAX_BULK_CONVERSATIONS;
use std::collections::HashSet;

/// Applies `request.action` to each conversation, in the order given.
#[tracing::instrument(skip_all, fields(count = request.conversation_ids.len()))]
pub async fn apply(state: &AppState, me: &CurrentAgent, request: BulkRequest) -> ApiResult<BulkOutcome> {
    let mut seen = HashSet::new();
    let ids: Vec<ConversationId> = request.conversation_ids.into_iter().filter(|id| seen.insert(*id)).collect();
    if ids.is_empty() || ids.len() > MAX_BULK_CONVERSATIONS {
        return Err(ApiError::invalid(format!("conversation_ids must hold 1 to {MAX_BULK_CONVERSATIONS} ids")));
    }
    let mut outcome = BulkOutcome { updated: Vec::new(), deleted: Vec::new(), failed: Vec::new() };
    for id in ids {
        match one(state, me, id, &request.action).await {
            Ok(Some(conversation)) => outcome.updated.push(conversation),
            Ok(None) => outcome.deleted.push(id),
            // The database failing is the request failing, not one conversation.
            Err(e @ (ApiError::Internal(_) | ApiError::Unavailable)) => return Err(e),
            Err(e) => outcome.failed.push(BulkFailure { conversation_id: id, code: e.code(), message: e.to_string() }),
        }
    }
    Ok(outcome)
}

async fn one(
    state: &AppState,
    me: &CurrentAgent,
    id: ConversationId,
    action: &BulkAction,
) -> ApiResult<Option<Conversation>> {
    Ok(Some(match action {
        BulkAction::Close => actions::close(state, me, id).await?,
        BulkAction::Reopen => actions::reopen(state, me, id).await?,
        BulkAction::Assign { agent_id, group_id } => {
            actions::assign(state, me, id, AssignRequest { agent_id: *agent_id, group_id: *group_id }).await?
        }
        BulkAction::AddLabel { label_id } => labels::add(state, me, id, *label_id).await?,
        BulkAction::RemoveLabel { label_id } => labels::remove(state, me, id, *label_id).await?,
        BulkAction::Delete => {
            actions::delete(state, id).await?;
            return Ok(None);
        }
    }))
}
