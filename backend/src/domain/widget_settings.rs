//! The widget's settings: one row, created with a fresh site key and identity
//! secret on first use; its public part configures the loader and the frame.

use super::validate;
use super::widget_origins::{allowed_origins, origin, origins};
use crate::auth::secrets;
use crate::clock::{from_millis, millis};
use crate::entities::widget_settings::{self as table, Model};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use shared::api::{AskContact, UpdateWidgetSettings, WidgetConfig, WidgetPosition, WidgetSettings};

const ROW: i32 = 1;
/// Prefix of site keys (public, they go in the snippet).
pub const SITE_KEY_PREFIX: &str = "ns_";
/// Prefix of identity secrets.
pub const IDENTITY_SECRET_PREFIX: &str = "ni_";

fn position(s: &str) -> WidgetPosition {
    if s == "left" { WidgetPosition::Left } else { WidgetPosition::Right }
}

fn position_str(p: WidgetPosition) -> &'static str {
    match p {
        WidgetPosition::Left => "left",
        WidgetPosition::Right => "right",
    }
}

fn ask(s: &str) -> AskContact {
    match s {
        "before" => AskContact::Before,
        "never" => AskContact::Never,
        _ => AskContact::After,
    }
}

fn ask_str(a: AskContact) -> &'static str {
    match a {
        AskContact::Before => "before",
        AskContact::After => "after",
        AskContact::Never => "never",
    }
}

impl From<Model> for WidgetSettings {
    fn from(m: Model) -> Self {
        Self {
            allowed_origins: origins(&m),
            site_key: m.site_key,
            identity_secret: m.identity_secret,
            team_name: m.team_name,
            greeting: m.greeting,
            color: m.color,
            position: position(&m.position),
            ask_contact: ask(&m.ask_contact),
            updated_at: from_millis(m.updated_at),
        }
    }
}

impl From<&Model> for WidgetConfig {
    fn from(m: &Model) -> Self {
        Self {
            team_name: m.team_name.clone(),
            greeting: m.greeting.clone(),
            color: m.color.clone(),
            position: position(&m.position),
            ask_contact: ask(&m.ask_contact),
            allowed_origins: allowed_origins(m).unwrap_or_default(),
            max_upload_bytes: shared::limits::DEFAULT_MAX_UPLOAD_BYTES,
            email_enabled: false,
        }
    }
}

/// The settings, created with defaults the first time.
pub async fn load(state: &AppState) -> ApiResult<Model> {
    if let Some(row) = table::Entity::find_by_id(ROW).one(state.db.conn()).await? {
        return Ok(row);
    }
    let txn = state.db.write().await?;
    // Another request may have created it meanwhile: the write lock orders us.
    if let Some(row) = table::Entity::find_by_id(ROW).one(&*txn).await? {
        return Ok(row);
    }
    let row = table::ActiveModel {
        id: Set(ROW),
        site_key: Set(secrets::generate(SITE_KEY_PREFIX)),
        identity_secret: Set(secrets::generate(IDENTITY_SECRET_PREFIX)),
        team_name: Set("Support".into()),
        greeting: Set("Hi there! Ask us anything, we usually answer within minutes.".into()),
        color: Set("#6d4aff".into()),
        position: Set("right".into()),
        ask_contact: Set("after".into()),
        allowed_origins: Set("[]".into()),
        updated_at: Set(millis(state.now())),
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// The public configuration for `site_key`; an unknown key is `not_found`.
pub async fn config(state: &AppState, site_key: &str) -> ApiResult<WidgetConfig> {
    let row = load(state).await?;
    if !secrets::constant_time_eq(row.site_key.as_bytes(), site_key.as_bytes()) {
        return Err(ApiError::NotFound);
    }
    Ok(WidgetConfig {
        max_upload_bytes: state.settings.max_upload_bytes,
        email_enabled: state.mailer.is_some(),
        ..(&row).into()
    })
}

/// Checks the site key a new visitor session starts with.
pub async fn check_site_key(state: &AppState, key: &str) -> ApiResult<()> {
    let row = load(state).await?;
    if secrets::constant_time_eq(row.site_key.as_bytes(), key.trim().as_bytes()) {
        Ok(())
    } else {
        Err(ApiError::invalid("site_key is not this workspace's"))
    }
}

/// Applies an admin's change.
pub async fn update(state: &AppState, input: UpdateWidgetSettings) -> ApiResult<WidgetSettings> {
    let current = load(state).await?;
    let mut model = current.into_active_model();
    if let Some(name) = input.team_name {
        model.team_name = Set(validate::required("team_name", &name)?);
    }
    if let Some(greeting) = input.greeting {
        let greeting = validate::optional("greeting", Some(&greeting), 1000)?.flatten().unwrap_or_default();
        model.greeting = Set(greeting);
    }
    if let Some(value) = input.color {
        model.color = Set(validate::color(value.trim())?);
    }
    if let Some(p) = input.position {
        model.position = Set(position_str(p).into());
    }
    if let Some(a) = input.ask_contact {
        model.ask_contact = Set(ask_str(a).into());
    }
    if let Some(list) = input.allowed_origins {
        if list.len() > 50 {
            return Err(ApiError::invalid("at most 50 allowed origins"));
        }
        let list: Vec<String> =
            list.iter().filter(|o| !o.trim().is_empty()).map(|o| origin(o)).collect::<ApiResult<_>>()?;
        model.allowed_origins = Set(serde_json::to_string(&list).map_err(|e| ApiError::Internal(e.into()))?);
    }
    model.updated_at = Set(millis(state.now()));
    let txn = state.db.write().await?;
    let row = model.update(&*txn).await?;
    txn.commit().await?;
    Ok(row.into())
}

/// Gives the widget a new identity secret: signatures made with the old one stop
/// verifying at once.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn rotate_identity_secret(state: &AppState) -> ApiResult<WidgetSettings> {
    let mut model = load(state).await?.into_active_model();
    model.identity_secret = Set(secrets::generate(IDENTITY_SECRET_PREFIX));
    model.updated_at = Set(millis(state.now()));
    let txn = state.db.write().await?;
    let row = model.update(&*txn).await?;
    txn.commit().await?;
    tracing::info!("widget identity secret rotated");
    Ok(row.into())
}
