use crate::auth::{Caller, CurrentAgent};
use crate::domain::attachments;
use crate::error::ApiResult;
use crate::state::AppState;
use actix_multipart::Multipart;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpResponse, get, post, web};
use shared::api::Uploaded;
use shared::{AttachmentId, ErrorBody};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(upload).service(download);
}

/// Upload one or several files (multipart/form-data, up to the size limit each);
/// attach them by id when posting a message.
#[utoipa::path(tag = "attachments", security(("agent_token" = [])), request_body(content_type = "multipart/form-data", content = UploadForm), responses(
    (status = 201, body = Uploaded),
    (status = 400, body = ErrorBody, description = "`malformed_request`: not a multipart body"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 413, body = ErrorBody, description = "`file_too_large`: nothing from the request is kept"),
    (status = 415, body = ErrorBody, description = "`unsupported_media_type`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: no file, or too many"),
))]
#[post("/api/v1/attachments")]
async fn upload(state: web::Data<AppState>, me: CurrentAgent, payload: Multipart) -> ApiResult<HttpResponse> {
    let files = attachments::upload(&state, me.author_id, payload).await?;
    Ok(HttpResponse::Created().json(Uploaded { attachments: files }))
}

/// Download a file: agents, and the visitor whose conversation it belongs to.
/// Images are shown inline; everything else is a download; never sniffed.
#[utoipa::path(tag = "attachments", security(("agent_token" = []), ("visitor_token" = [])), params(("id" = AttachmentId, Path)), responses(
    (status = 200, description = "The file: images that browsers show inline with their type, anything else as a download", content(
        ("application/octet-stream"), ("image/png"), ("image/jpeg"), ("image/gif"), ("image/webp"),
    )),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 404, body = ErrorBody, description = "`not_found` (also for files of other visitors)"),
))]
#[get("/api/v1/attachments/{id}")]
async fn download(state: web::Data<AppState>, caller: Caller, id: web::Path<AttachmentId>) -> ApiResult<HttpResponse> {
    let (file, bytes) = attachments::download(&state, &caller, *id).await?;
    let inline = attachments::is_inline(&file.content_type);
    let content_type = if inline { file.content_type.clone() } else { "application/octet-stream".to_owned() };
    let disposition = ContentDisposition {
        disposition: if inline { DispositionType::Inline } else { DispositionType::Attachment },
        parameters: vec![DispositionParam::Filename(file.filename.clone())],
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header(disposition)
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox"))
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
        .body(bytes))
}

/// A multipart upload: one or several parts named `file`, each with a file name.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// A file (repeat the part for several).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}
