//! Types and rules shared by the Natter backend and the frontend.
//!
//! Everything here is plain data plus pure functions: it compiles to `wasm32`
//! and carries no database, web framework or runtime dependency.

pub mod api;
pub mod dot;
pub mod error;
pub mod events;
pub mod frames;
pub mod ids;
pub mod limits;
pub mod page;
pub mod web;

pub use dot::{Dot, DotConversation, DotViewer, Team};
pub use error::{ErrorBody, ErrorCode, ErrorDetail};
pub use ids::*;
pub use page::Page;

/// A point in time, always UTC.
pub type Timestamp = chrono::DateTime<chrono::Utc>;
