//! The embeddable widget: the loader script, the chat frame (embeddable only by
//! the allowed sites), its public configuration, admins' settings, and signed
//! visitor identities.

use super::input::Json;
use crate::auth::{Admin, CurrentVisitor};
use crate::domain::{identity, widget_origins, widget_settings};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_web::http::header::{self, ContentEncoding, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use shared::ErrorBody;
use shared::api::{
    ClientConfig, IdentifiedVisitor, IdentifyVisitor, UpdateWidgetSettings, WidgetConfig, WidgetSettings,
};
use std::sync::OnceLock;

/// The loader, compiled in: it works even before the inbox is built.
const LOADER: &str = include_str!("../../static/widget.js");

/// The loader compressed once per process (brotli, gzip), never per request.
fn compressed_loader(encoding: ContentEncoding) -> Option<&'static [u8]> {
    use std::io::Write;
    static BROTLI: OnceLock<Vec<u8>> = OnceLock::new();
    static GZIP: OnceLock<Vec<u8>> = OnceLock::new();
    match encoding {
        ContentEncoding::Brotli => Some(BROTLI.get_or_init(|| {
            let mut out = Vec::new();
            {
                let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
                let _ = writer.write_all(LOADER.as_bytes());
            }
            out
        })),
        ContentEncoding::Gzip => Some(GZIP.get_or_init(|| {
            let mut writer = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            let _ = writer.write_all(LOADER.as_bytes());
            writer.finish().unwrap_or_default()
        })),
        _ => None,
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(loader)
        .service(frame)
        .service(rating)
        .service(config)
        .service(client_config)
        .service(get_settings)
        .service(update_settings)
        .service(rotate_identity_secret)
        .service(identify);
}

/// Query of `GET /widget/config`.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct SiteKeyQuery {
    /// The site key from the snippet.
    pub site_key: String,
}

/// The loader script that site owners embed (plain JavaScript, cached briefly).
#[utoipa::path(tag = "widget", responses((status = 200, description = "The loader", content_type = "application/javascript")))]
#[get("/widget.js")]
async fn loader(req: HttpRequest) -> HttpResponse {
    let accepted = req.headers().get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CONTENT_TYPE, "application/javascript; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::VARY, "accept-encoding"));
    let picked = super::files::preferred_encodings(accepted)
        .into_iter()
        .find_map(|(encoding, _)| Some((encoding, compressed_loader(encoding)?)));
    match picked {
        Some((encoding, body)) => response.insert_header((header::CONTENT_ENCODING, encoding)).body(body),
        None => response.body(LOADER),
    }
}

/// The chat frame's page; only the allowed sites may embed it (`frame-ancestors`).
#[utoipa::path(tag = "widget", responses(
    (status = 200, description = "The chat page (it reads `site_key` from its query)", content_type = "text/html"),
    (status = 503, body = ErrorBody, description = "`unavailable`: the widget is not built"),
))]
#[get("/widget/frame")]
async fn frame(req: HttpRequest, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    framed_page(&req, &state, "widget.html").await
}

/// The rating prompt the chat frame shows under a closed conversation (plain
/// HTML, loaded only then). Embedded by the chat frame, so its ancestors are the
/// chat frame's: the same policy.
#[utoipa::path(tag = "widget", responses(
    (status = 200, description = "The rating page (the visitor's token in its fragment)", content_type = "text/html"),
    (status = 503, body = ErrorBody, description = "`unavailable`: the widget is not built"),
))]
#[get("/widget/rating")]
async fn rating(req: HttpRequest, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    framed_page(&req, &state, "rating.html").await
}

/// A page of the built widget that only the allowed sites may frame, never cached.
async fn framed_page(req: &HttpRequest, state: &AppState, name: &str) -> ApiResult<HttpResponse> {
    let settings = widget_settings::load(state).await?;
    let file = super::files::open(state.settings.web_dir.join(name)).await.map_err(|_| ApiError::Unavailable)?;
    let mut response = file.into_response(req);
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(header::CONTENT_SECURITY_POLICY, policy_header(&widget_origins::frame_policy(&settings)));
    Ok(response)
}

/// The policy as a header; one that can't be a header embeds nowhere rather than anywhere.
fn policy_header(policy: &str) -> HeaderValue {
    HeaderValue::from_str(policy).unwrap_or_else(|_| HeaderValue::from_static("frame-ancestors 'none'"))
}

/// What the widget needs to draw itself (public; any site may ask).
#[utoipa::path(tag = "widget", params(SiteKeyQuery), responses(
    (status = 200, body = WidgetConfig),
    (status = 400, body = ErrorBody, description = "`malformed_request`: no site key"),
    (status = 404, body = ErrorBody, description = "`not_found`: unknown site key"),
))]
#[get("/api/v1/widget/config")]
async fn config(state: web::Data<AppState>, query: web::Query<SiteKeyQuery>) -> ApiResult<HttpResponse> {
    let config = widget_settings::config(&state, &query.site_key).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .json(config))
}

/// What the inbox and the chat need before they ask anything (public): the upload
/// limit, and whether email is on.
#[utoipa::path(tag = "widget", responses((status = 200, body = ClientConfig)))]
#[get("/api/v1/config")]
async fn client_config(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .json(ClientConfig { max_upload_bytes: state.settings.max_upload_bytes, email_enabled: state.mailer.is_some() })
}

/// The widget's settings, with the site key and identity secret (admins).
#[utoipa::path(tag = "widget", security(("agent_token" = [])), responses(
    (status = 200, body = WidgetSettings),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
))]
#[get("/api/v1/settings/widget")]
async fn get_settings(state: web::Data<AppState>, _admin: Admin) -> ApiResult<web::Json<WidgetSettings>> {
    Ok(web::Json(widget_settings::load(&state).await?.into()))
}

/// Change the widget's look, contact form and allowed sites (admins).
#[utoipa::path(tag = "widget", security(("agent_token" = [])), request_body = UpdateWidgetSettings, responses(
    (status = 200, body = WidgetSettings),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: bad colour or origin"),
))]
#[patch("/api/v1/settings/widget")]
async fn update_settings(
    state: web::Data<AppState>,
    _admin: Admin,
    body: Json<UpdateWidgetSettings>,
) -> ApiResult<web::Json<WidgetSettings>> {
    Ok(web::Json(widget_settings::update(&state, body.into_inner()).await?))
}

/// Give the widget a new identity secret (admins): signatures made with the old one stop verifying at once.
#[utoipa::path(tag = "widget", security(("agent_token" = [])), responses(
    (status = 200, body = WidgetSettings, description = "The settings with the new secret"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
))]
#[post("/api/v1/settings/widget/identity-secret")]
async fn rotate_identity_secret(state: web::Data<AppState>, _admin: Admin) -> ApiResult<web::Json<WidgetSettings>> {
    Ok(web::Json(widget_settings::rotate_identity_secret(&state).await?))
}

/// A host site vouches for its signed-in user (signed at page render, accepted for
/// 10 minutes): an anonymous visitor joins that user's one verified contact; a
/// visitor verified as someone else starts afresh as this user. The token the call
/// was made with ends; use the returned one.
#[utoipa::path(tag = "widget", security(("visitor_token" = [])), request_body = IdentifyVisitor, responses(
    (status = 200, body = IdentifiedVisitor),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `session_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: the signature doesn't match; `contact_banned`: \
        this anonymous visitor is banned"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: timestamp older than 10 minutes or in \
        the future, empty user id"),
))]
#[post("/api/v1/widget/identify")]
async fn identify(
    state: web::Data<AppState>,
    me: CurrentVisitor,
    body: Json<IdentifyVisitor>,
) -> ApiResult<web::Json<IdentifiedVisitor>> {
    Ok(web::Json(identity::identify(&state, &me, body.into_inner()).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_that_cannot_be_a_header_embeds_nowhere() {
        assert_eq!(
            policy_header("frame-ancestors 'self' https://shop.example"),
            "frame-ancestors 'self' https://shop.example"
        );
        assert_eq!(policy_header("frame-ancestors https://shop.example\nx"), "frame-ancestors 'none'");
    }
}
