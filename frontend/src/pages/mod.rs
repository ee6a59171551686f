//! Screens.

pub mod inbox;
pub mod login;
