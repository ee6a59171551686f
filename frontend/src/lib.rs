//! What the inbox and the widget share: file uploads and downloads, icons, the chime.

pub mod files;
pub mod icons;
pub mod sound;
