use super::dto;
use crate::LabelId;
use chrono::{DateTime, Utc};

dto! {
    /// A label admins define and agents put on conversations.
    pub struct Label {
        /// Id.
        pub id: LabelId,
        /// Name, unique whatever its case.
        pub name: String,
        /// Color as `#rrggbb`.
        pub color: String,
        /// When it was created.
        pub created_at: DateTime<Utc>,
        /// When it last changed.
        pub updated_at: DateTime<Utc>,
    }

    /// `POST /labels` and `PUT /labels/{id}`.
    pub struct LabelInput {
        /// Name (1–50 characters).
        pub name: String,
        /// Color as `#rrggbb`.
        pub color: String,
    }

    /// `POST /conversations/{id}/labels`: adds one label.
    pub struct AddLabel {
        /// The label.
        pub label_id: LabelId,
    }
}
