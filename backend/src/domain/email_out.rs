//! Email on request: a visitor's transcript, and an agent's reply (a template
//! or a body) emailed to the contact at once.

use super::conversation_actions;
use super::messages::visible_to_visitor;
use super::saved_replies;
use crate::auth::{CurrentAgent, CurrentVisitor};
use crate::clock::millis;
use crate::entities::{contacts, conversations, email_threads, widget_settings};
use crate::error::{ApiError, ApiResult};
use crate::mail::{Mailer, templates};
use crate::state::AppState;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use shared::ConversationId;
use shared::api::{EmailReply, Message, PostKind, PostMessage};
use uuid::Uuid;

fn mailer(state: &AppState) -> ApiResult<&Mailer> {
    state.mailer.as_ref().ok_or(ApiError::EmailDisabled)
}

async fn team_name(state: &AppState, mailer: &Mailer) -> ApiResult<String> {
    Ok(widget_settings::Entity::find()
        .one(state.db.conn())
        .await?
        .map_or_else(|| mailer.sender_name(), |w| w.team_name))
}

/// Emails the visitor their current conversation (they must have left an email).
#[tracing::instrument(skip_all, fields(contact_id = %me.contact.id))]
pub async fn transcript(state: &AppState, me: &CurrentVisitor) -> ApiResult<()> {
    let mailer = mailer(state)?;
    let email = me.contact.email.clone().ok_or_else(|| ApiError::invalid("leave your email first"))?;
    let conversation = super::widget::current_conversation(state, shared::ContactId(me.contact.id))
        .await?
        .ok_or(ApiError::NotFound)?;
    let thread = visible_to_visitor(state, conversation.0, 500).await?;
    let mail = templates::transcript(&team_name(state, mailer).await?, &email, me.contact.name.clone(), &thread);
    mailer.send(mail).await.map_err(|e| ApiError::internal(e.context("sending a transcript")))
}

/// The conversation's email thread (made on first use): its Reply-To token.
async fn thread_token(state: &AppState, conversation: &conversations::Model) -> ApiResult<String> {
    let thread = email_threads::ActiveModel {
        conversation_id: Set(conversation.id),
        contact_id: Set(conversation.contact_id),
        token: Set(Uuid::new_v4().simple().to_string()),
        due_at: Set(None),
        last_emailed_seq: Set(0),
        created_at: Set(millis(state.now())),
    };
    email_threads::Entity::insert(thread)
        .on_conflict_do_nothing_on([email_threads::Column::ConversationId])
        .exec(&state.db.autocommit())
        .await?;
    let thread = email_threads::Entity::find()
        .filter(email_threads::Column::ConversationId.eq(conversation.id))
        .one(state.db.conn())
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(thread.token)
}

/// Posts a reply (a template filled in for this conversation, or a body) and
/// emails it with the recent thread to the contact now.
#[tracing::instrument(skip_all, fields(conversation_id = %id))]
pub async fn email_reply(
    state: &AppState,
    me: &CurrentAgent,
    id: ConversationId,
    input: EmailReply,
) -> ApiResult<Message> {
    let mailer = mailer(state)?;
    let conversation = conversations::Entity::find_by_id(id.0).one(state.db.conn()).await?.ok_or(ApiError::NotFound)?;
    let contact =
        contacts::Entity::find_by_id(conversation.contact_id).one(state.db.conn()).await?.ok_or(ApiError::NotFound)?;
    let email = contact.email.clone().ok_or_else(|| ApiError::invalid("the contact has no email"))?;
    let body = match (input.saved_reply_id, input.body) {
        (Some(template), _) => saved_replies::render(state, me, template, id).await?.body,
        (None, Some(body)) => body,
        (None, None) => return Err(ApiError::invalid("name a saved_reply_id or give a body")),
    };
    let post = PostMessage { kind: PostKind::Reply, body, client_id: input.client_id, attachment_ids: Vec::new() };
    let (message, created) = conversation_actions::post(state, me, id, post).await?;
    if created {
        let token = thread_token(state, &conversation).await?;
        let reply_to = state.settings.inbound_domain.as_ref().map(|domain| format!("reply+{token}@{domain}"));
        let thread = visible_to_visitor(state, conversation.id, 10).await?;
        let team = team_name(state, mailer).await?;
        let mail = templates::replies(&team, &email, contact.name.clone(), &thread, reply_to);
        mailer.send(mail).await.map_err(|e| ApiError::internal(e.context("sending an email reply")))?;
        email_threads::Entity::update_many()
            .col_expr(email_threads::Column::LastEmailedSeq, sea_orm::sea_query::Expr::value(message.seq))
            .filter(email_threads::Column::ConversationId.eq(conversation.id))
            .exec(&state.db.autocommit())
            .await?;
    }
    Ok(message)
}
