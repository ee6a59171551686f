use super::PageQuery;
use super::input::Json;
use crate::auth::{Admin, CurrentAgent};
use crate::domain::{team, validate};
use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use shared::api::{Group, GroupInput, SetMembers, UpdateGroup};
use shared::{ErrorBody, GroupId, Page};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(create).service(get_one).service(rename).service(remove).service(members);
}

/// Groups with their members.
#[utoipa::path(tag = "groups", security(("agent_token" = [])), params(PageQuery), responses(
    (status = 200, body = Page<Group>),
    (status = 400, body = ErrorBody, description = "`malformed_request`: bad cursor"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
))]
#[get("/api/v1/groups")]
async fn list(
    state: web::Data<AppState>,
    _me: CurrentAgent,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<Group>>> {
    let q = query.into_inner();
    Ok(web::Json(team::list_groups(&state, q.cursor, validate::page_size(q.limit)).await?))
}

/// Create a group (admin).
#[utoipa::path(tag = "groups", security(("agent_token" = [])), request_body = GroupInput, responses(
    (status = 201, body = Group),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 409, body = ErrorBody, description = "`conflict`: name taken"),
    (status = 422, body = ErrorBody, description = "`validation_failed`"),
))]
#[post("/api/v1/groups")]
async fn create(state: web::Data<AppState>, _admin: Admin, body: Json<GroupInput>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(team::create_group(&state, &body.name).await?))
}

/// One group.
#[utoipa::path(tag = "groups", security(("agent_token" = [])), params(("id" = GroupId, Path)), responses(
    (status = 200, body = Group),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[get("/api/v1/groups/{id}")]
async fn get_one(state: web::Data<AppState>, _me: CurrentAgent, id: web::Path<GroupId>) -> ApiResult<web::Json<Group>> {
    Ok(web::Json(team::get_group(&state, *id).await?))
}

/// Rename a group, or turn its automatic assignment on or off (admin).
#[utoipa::path(tag = "groups", security(("agent_token" = [])), params(("id" = GroupId, Path)), request_body = UpdateGroup, responses(
    (status = 200, body = Group),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
    (status = 409, body = ErrorBody, description = "`conflict`: name taken"),
    (status = 422, body = ErrorBody, description = "`validation_failed`"),
))]
#[patch("/api/v1/groups/{id}")]
async fn rename(
    state: web::Data<AppState>,
    _admin: Admin,
    id: web::Path<GroupId>,
    body: Json<UpdateGroup>,
) -> ApiResult<web::Json<Group>> {
    Ok(web::Json(team::update_group(&state, *id, body.into_inner()).await?))
}

/// Delete a group (admin); its conversations keep their agent assignee.
#[utoipa::path(tag = "groups", security(("agent_token" = [])), params(("id" = GroupId, Path)), responses(
    (status = 204, description = "Deleted"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[delete("/api/v1/groups/{id}")]
async fn remove(state: web::Data<AppState>, _admin: Admin, id: web::Path<GroupId>) -> ApiResult<HttpResponse> {
    team::delete_group(&state, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Replace a group's members (admin).
#[utoipa::path(tag = "groups", security(("agent_token" = [])), params(("id" = GroupId, Path)), request_body = SetMembers, responses(
    (status = 200, body = Group),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: unknown agent"),
))]
#[put("/api/v1/groups/{id}/members")]
async fn members(
    state: web::Data<AppState>,
    _admin: Admin,
    id: web::Path<GroupId>,
    body: Json<SetMembers>,
) -> ApiResult<web::Json<Group>> {
    Ok(web::Json(team::set_members(&state, *id, body.into_inner().agent_ids).await?))
}
