//! What the inbox and the widget share: reconnect backoff, file uploads and downloads, icons, the chime
//! and the counts of attention calls that browser tests read.

pub mod backoff;
pub mod files;
pub mod icons;
pub mod sound;
pub mod tally;
