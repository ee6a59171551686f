//! Contacts: details agents keep, custom attributes, and the ban.

use super::validate;
use crate::auth::CurrentAgent;
use crate::clock::{from_millis, millis};
use crate::db::{EventScope, WriteTxn};
use crate::entities::contacts;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::{Map, Value};
use shared::api::{Contact, ContactDetail, CreateContact, UpdateContact};
use shared::events::Event;
use shared::limits::*;
use shared::{ContactId, Page, Timestamp};
use uuid::Uuid;

impl From<contacts::Model> for Contact {
    fn from(m: contacts::Model) -> Self {
        Self {
            id: ContactId(m.id),
            name: m.name,
            email: m.email,
            phone: m.phone,
            notes: m.notes,
            attributes: serde_json::from_str(&m.attributes).unwrap_or_default(),
            banned: m.banned_at.is_some(),
            banned_at: m.banned_at.map(from_millis),
            verified: m.verified_at.is_some(),
            external_id: m.external_id,
            current_page: m.current_page,
            browser: m.browser,
            first_seen_at: from_millis(m.first_seen_at),
            last_seen_at: from_millis(m.last_seen_at),
            ip_address: m.ip_address,
            created_at: from_millis(m.created_at),
        }
    }
}

/// A contact by id.
pub async fn load(state: &AppState, id: ContactId) -> ApiResult<contacts::Model> {
    contacts::Entity::find_by_id(id.0).one(state.db.conn()).await?.ok_or(ApiError::NotFound)
}

/// Checked name, email and phone changes (`None`: unchanged; `Some(None)`: cleared).
pub struct ContactFields {
    name: Option<Option<String>>,
    email: Option<Option<String>>,
    phone: Option<Option<String>>,
}

impl ContactFields {
    /// Sets the changed fields on `model`.
    pub fn apply(self, model: &mut contacts::ActiveModel) {
        if let Some(name) = self.name {
            model.name = Set(name);
        }
        if let Some(email) = self.email {
            model.email = Set(email);
        }
        if let Some(phone) = self.phone {
            model.phone = Set(phone);
        }
    }
}

/// Checks name, email and phone.
pub fn validated_contact_fields(
    name: Option<&str>,
    email: Option<&str>,
    phone: Option<&str>,
) -> ApiResult<ContactFields> {
    let email = match validate::optional("email", email, MAX_SHORT_TEXT_CHARS)? {
        Some(Some(e)) => Some(Some(validate::email(&e)?)),
        other => other,
    };
    let phone = validate::optional("phone", phone, 40)?;
    if let Some(Some(p)) = &phone
        && !p.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c))
    {
        return Err(ApiError::invalid("phone may contain digits, spaces and + - ( ) . only"));
    }
    Ok(ContactFields { name: validate::optional("name", name, MAX_SHORT_TEXT_CHARS)?, email, phone })
}

/// Merges attribute changes into `current`: `null` removes a key. Checks the limits.
pub fn merge_attributes(current: &mut Map<String, Value>, changes: Map<String, Value>) -> ApiResult<()> {
    for (key, value) in changes {
        let key_len = key.chars().count();
        if key.trim().is_empty() || key_len > MAX_ATTRIBUTE_KEY_CHARS {
            return Err(ApiError::invalid(format!("attribute names have 1 to {MAX_ATTRIBUTE_KEY_CHARS} characters")));
        }
        match value {
            Value::Null => {
                current.remove(&key);
            }
            Value::String(_) | Value::Number(_) | Value::Bool(_) => {
                if value.to_string().chars().count() > MAX_ATTRIBUTE_VALUE_CHARS {
                    return Err(ApiError::invalid(format!(
                        "attribute {key} is longer than {MAX_ATTRIBUTE_VALUE_CHARS} characters"
                    )));
                }
                current.insert(key, value);
            }
            Value::Array(_) | Value::Object(_) => {
                return Err(ApiError::invalid(format!("attribute {key} must be a string, number or boolean")));
            }
        }
    }
    if current.len() > MAX_ATTRIBUTES {
        return Err(ApiError::invalid(format!("a contact has at most {MAX_ATTRIBUTES} attributes")));
    }
    Ok(())
}

/// Appends `contact.updated` for `contact`.
pub async fn contact_dto_event(txn: &mut WriteTxn, contact: &contacts::Model, now: Timestamp) -> ApiResult<()> {
    let scope = EventScope { conversation: None, contact: Some(ContactId(contact.id)), agents_only: true };
    txn.append(Event::ContactUpdated { contact: contact.clone().into() }, scope, now).await?;
    Ok(())
}

/// Query of `GET /contacts`.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
pub struct ContactsQuery {
    /// Words in the name, email or phone (each the start of a word there; case
    /// and accents ignored).
    pub q: Option<String>,
    /// Only banned (`true`) or only not banned (`false`) contacts.
    pub banned: Option<bool>,
    /// Only anonymous visitors (`true`: no name, email, phone or external id) or
    /// only known contacts (`false`); both when absent.
    pub anonymous: Option<bool>,
    /// Page size (1–200, default 50).
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists contacts, newest first.
#[tracing::instrument(skip_all)]
pub async fn list(state: &AppState, query: ContactsQuery) -> ApiResult<Page<Contact>> {
    let limit = validate::page_size(query.limit);
    let mut select = contacts::Entity::find();
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let words = super::search::words(q);
        if words.is_empty() {
            return Ok(Page { items: Vec::new(), next_cursor: None });
        }
        select = select.filter(super::search::contacts_matching(state.db.conn(), &words).await?);
    }
    match query.banned {
        Some(true) => select = select.filter(contacts::Column::BannedAt.is_not_null()),
        Some(false) => select = select.filter(contacts::Column::BannedAt.is_null()),
        None => {}
    }
    if let Some(anonymous) = query.anonymous {
        // Written as the partial index `idx_contacts_known` is, so that it serves `false`.
        let known = Condition::any()
            .add(contacts::Column::Name.is_not_null())
            .add(contacts::Column::Email.is_not_null())
            .add(contacts::Column::Phone.is_not_null())
            .add(contacts::Column::ExternalId.is_not_null());
        select = select.filter(if anonymous { known.not() } else { known });
    }
    if let Some(cursor) = &query.cursor {
        select = select.filter(contacts::Column::Id.lt(super::team::parse_uuid_cursor(cursor)?));
    }
    let rows = select.order_by_desc(contacts::Column::Id).limit(limit + 1).all(state.db.conn()).await?;
    Ok(super::team::page_by_id(rows, limit, |c| c.id))
}

/// A contact and its latest conversations.
#[tracing::instrument(skip_all, fields(contact_id = %id))]
pub async fn detail(state: &AppState, me: &CurrentAgent, id: ContactId) -> ApiResult<ContactDetail> {
    let contact = load(state, id).await?;
    let conversations = super::conversations::of_contact(state, me, id).await?;
    Ok(ContactDetail { contact: contact.into(), conversations })
}

/// Creates a contact.
#[tracing::instrument(skip_all)]
pub async fn create(state: &AppState, input: CreateContact) -> ApiResult<Contact> {
    let fields = validated_contact_fields(input.name.as_deref(), input.email.as_deref(), input.phone.as_deref())?;
    let notes = validate::optional("notes", input.notes.as_deref(), MAX_NOTES_CHARS)?.flatten();
    let mut attributes = Map::new();
    merge_attributes(&mut attributes, input.attributes)?;
    let now = state.now();
    let mut model = contacts::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(None),
        email: Set(None),
        phone: Set(None),
        notes: Set(notes),
        attributes: Set(Value::Object(attributes).to_string()),
        banned_at: Set(None),
        current_page: Set(None),
        browser: Set(None),
        first_seen_at: Set(millis(now)),
        last_seen_at: Set(millis(now)),
        created_at: Set(millis(now)),
        updated_at: Set(millis(now)),
        external_id: Set(None),
        verified_at: Set(None),
        ip_address: Set(None),
    };
    fields.apply(&mut model);
    let mut txn = state.db.write().await?;
    let contact = model.insert(&*txn).await?;
    contact_dto_event(&mut txn, &contact, now).await?;
    txn.commit().await?;
    Ok(contact.into())
}

/// Changes a contact's details and attributes.
#[tracing::instrument(skip_all, fields(contact_id = %id))]
pub async fn update(state: &AppState, id: ContactId, input: UpdateContact) -> ApiResult<Contact> {
    let fields = validated_contact_fields(input.name.as_deref(), input.email.as_deref(), input.phone.as_deref())?;
    let notes = validate::optional("notes", input.notes.as_deref(), MAX_NOTES_CHARS)?;
    let now = state.now();
    let mut txn = state.db.write().await?;
    let contact = contacts::Entity::find_by_id(id.0).one(&*txn).await?.ok_or(ApiError::NotFound)?;
    let mut attributes: Map<String, Value> = serde_json::from_str(&contact.attributes).unwrap_or_default();
    if let Some(changes) = input.attributes {
        merge_attributes(&mut attributes, changes)?;
    }
    let mut model = contact.into_active_model();
    fields.apply(&mut model);
    if let Some(notes) = notes {
        model.notes = Set(notes);
    }
    model.attributes = Set(Value::Object(attributes).to_string());
    model.updated_at = Set(millis(now));
    let contact = model.update(&*txn).await?;
    contact_dto_event(&mut txn, &contact, now).await?;
    txn.commit().await?;
    Ok(contact.into())
}

/// Bans (`true`) or unbans a contact.
#[tracing::instrument(skip_all, fields(contact_id = %id, banned))]
pub async fn set_banned(state: &AppState, id: ContactId, banned: bool) -> ApiResult<Contact> {
    let now = state.now();
    let mut txn = state.db.write().await?;
    let contact = contacts::Entity::find_by_id(id.0).one(&*txn).await?.ok_or(ApiError::NotFound)?;
    if contact.banned_at.is_some() == banned {
        return Ok(contact.into());
    }
    let mut model = contact.into_active_model();
    model.banned_at = Set(banned.then_some(millis(now)));
    model.updated_at = Set(millis(now));
    let contact = model.update(&*txn).await?;
    contact_dto_event(&mut txn, &contact, now).await?;
    txn.commit().await?;
    Ok(contact.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn attributes_merge_and_remove() {
        let mut current = map(json!({"plan": "free", "seats": 3}));
        assert!(merge_attributes(&mut current, map(json!({"plan": "pro", "seats": null, "vip": true}))).is_ok());
        assert_eq!(Value::Object(current), json!({"plan": "pro", "vip": true}));
    }

    #[test]
    fn attributes_are_limited() {
        let mut current = Map::new();
        assert!(merge_attributes(&mut current, map(json!({"x": "a".repeat(2000)}))).is_err());
        assert!(merge_attributes(&mut current, map(json!({"nested": {"a": 1}}))).is_err());
        assert!(merge_attributes(&mut current, map(json!({"": 1}))).is_err());
        let many: Map<String, Value> = (0..=MAX_ATTRIBUTES).map(|i| (format!("k{i}"), json!(i))).collect();
        assert!(merge_attributes(&mut current, many).is_err());
    }
}
