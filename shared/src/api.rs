//! Request and response bodies of the REST API (`/api/v1`).

mod api_keys;
mod auth;
mod contacts;
mod conversations;
mod email;
mod hours;
mod labels;
mod messages;
mod reports;
mod saved_replies;
mod team;
mod webhooks;
mod widget;
mod widget_settings;

pub use api_keys::*;
pub use auth::*;
pub use contacts::*;
pub use conversations::*;
pub use email::*;
pub use hours::*;
pub use labels::*;
pub use messages::*;
pub use reports::*;
pub use saved_replies::*;
pub use team::*;
pub use webhooks::*;
pub use widget::*;
pub use widget_settings::*;

/// Derives shared by every DTO.
macro_rules! dto {
    ($($item:item)*) => {$(
        #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        $item
    )*};
}
pub(crate) use dto;

/// Derives shared by every string enum.
macro_rules! string_enum {
    ($($item:item)*) => {$(
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        $item
    )*};
}
pub(crate) use string_enum;
