//! The enums kept in text columns, typed: a value the code can't name can't be
//! written, and one the database holds that the code doesn't know is an error
//! on read rather than a silent default.

use sea_orm::entity::prelude::*;
use shared::api::{Availability, ConversationStatus, MessageKind, Role};

/// `conversations.status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum StoredStatus {
    #[sea_orm(string_value = "open")]
    Open,
    #[sea_orm(string_value = "closed")]
    Closed,
}

/// `messages.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum StoredKind {
    #[sea_orm(string_value = "visitor")]
    Visitor,
    #[sea_orm(string_value = "reply")]
    Reply,
    #[sea_orm(string_value = "comment")]
    Comment,
    #[sea_orm(string_value = "system")]
    System,
}

/// `agents.role` and `api_keys.role`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum StoredRole {
    #[sea_orm(string_value = "admin")]
    Admin,
    #[sea_orm(string_value = "agent")]
    Agent,
}

/// `agents.availability`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum StoredAvailability {
    #[sea_orm(string_value = "online")]
    Online,
    #[sea_orm(string_value = "away")]
    Away,
    #[sea_orm(string_value = "offline")]
    Offline,
}

/// Conversions both ways between a stored enum and its API twin, variant by variant.
macro_rules! twins {
    ($stored:ident <-> $api:ident: $($variant:ident),+) => {
        impl From<$stored> for $api {
            fn from(value: $stored) -> Self {
                match value {
                    $($stored::$variant => $api::$variant,)+
                }
            }
        }
        impl From<$api> for $stored {
            fn from(value: $api) -> Self {
                match value {
                    $($api::$variant => $stored::$variant,)+
                }
            }
        }
    };
}

twins!(StoredStatus <-> ConversationStatus: Open, Closed);
twins!(StoredKind <-> MessageKind: Visitor, Reply, Comment, System);
twins!(StoredRole <-> Role: Admin, Agent);
twins!(StoredAvailability <-> Availability: Online, Away, Offline);

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ActiveEnum, Iterable};

    #[test]
    fn stored_names_are_the_api_names() {
        for status in StoredStatus::iter() {
            let api = serde_json::to_value(ConversationStatus::from(status)).expect("json");
            assert_eq!(api.as_str(), Some(status.to_value().as_str()));
        }
        for kind in StoredKind::iter() {
            let api = serde_json::to_value(MessageKind::from(kind)).expect("json");
            assert_eq!(api.as_str(), Some(kind.to_value().as_str()));
        }
        for role in StoredRole::iter() {
            let api = serde_json::to_value(Role::from(role)).expect("json");
            assert_eq!(api.as_str(), Some(role.to_value().as_str()));
        }
        for availability in StoredAvailability::iter() {
            let api = serde_json::to_value(Availability::from(availability)).expect("json");
            assert_eq!(api.as_str(), Some(availability.to_value().as_str()));
        }
    }

    #[test]
    fn an_unknown_stored_name_is_an_error() {
        assert!(StoredStatus::try_from_value(&"archived".to_owned()).is_err());
    }
}
