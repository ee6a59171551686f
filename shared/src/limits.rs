//! Limits enforced by the server and checked early by the clients.

/// Default largest accepted attachment, in bytes (10 MiB).
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 10 * 1024 * 1024;
/// Most files in one upload request.
pub const MAX_FILES_PER_UPLOAD: usize = 10;
/// Most attachments on one message.
pub const MAX_ATTACHMENTS_PER_MESSAGE: usize = 10;
/// Longest message body, in characters.
pub const MAX_MESSAGE_CHARS: usize = 20_000;
/// Largest JSON request body, in bytes.
pub const MAX_JSON_BYTES: usize = 256 * 1024;
/// Most custom attributes on a contact.
pub const MAX_ATTRIBUTES: usize = 50;
/// Longest custom attribute key, in characters.
pub const MAX_ATTRIBUTE_KEY_CHARS: usize = 64;
/// Longest custom attribute value (as JSON text), in characters.
pub const MAX_ATTRIBUTE_VALUE_CHARS: usize = 1_000;
/// Longest name, email, phone or title, in characters.
pub const MAX_SHORT_TEXT_CHARS: usize = 200;
/// Longest contact notes, in characters.
pub const MAX_NOTES_CHARS: usize = 10_000;
/// Default and largest page sizes.
pub const DEFAULT_PAGE_SIZE: u64 = 50;
/// Largest page size a client may ask for.
pub const MAX_PAGE_SIZE: u64 = 200;
/// Shortest agent password, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest `client_id` of a message, in characters.
pub const MAX_CLIENT_ID_CHARS: usize = 64;
/// Most conversations in one bulk action.
pub const MAX_BULK_CONVERSATIONS: usize = 200;
/// Longest label name, in characters.
pub const MAX_LABEL_NAME_CHARS: usize = 50;
/// Most labels a team may define.
pub const MAX_LABELS: usize = 200;
/// Most labels on one conversation.
pub const MAX_LABELS_PER_CONVERSATION: usize = 20;
/// Most opening intervals in the business hours.
pub const MAX_OPENING_INTERVALS: usize = 50;
/// Longest comment with a rating.
pub const MAX_RATING_COMMENT_CHARS: usize = 1000;
/// Most routing rules.
pub const MAX_ROUTING_RULES: usize = 50;
/// Longest text a routing rule looks for in a page address.
pub const MAX_ROUTING_TEXT_CHARS: usize = 200;
/// Highest capacity an agent can be given.
pub const MAX_CAPACITY: u32 = 1000;
