//! Who is asking: agents (JWT + refresh sessions), integrators (API keys) and visitors
//! (opaque tokens). Every token is sent as `Authorization: Bearer <token>`.

pub mod extract;
pub mod gate;
pub mod password;
pub mod visitor_token;

pub use crate::secrets;
pub use extract::{Admin, Caller, CurrentAgent, CurrentVisitor};
