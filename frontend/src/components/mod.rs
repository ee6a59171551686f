//! Parts of screens.

pub mod actions;
pub mod bulk;
pub mod composer;
pub mod confirm;
pub mod contact_panel;
pub mod conversation_list;
pub mod help;
pub mod labels;
pub mod page_link;
pub mod save_status;
pub mod snooze;
pub mod thread;
