//! What the inbox and the widget share: reconnect backoff, file uploads and downloads, icons, the chime.

pub mod backoff;
pub mod files;
pub mod icons;
pub mod sound;
