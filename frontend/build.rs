//! Rebuild when a catalogue changes: the i18n macro reads `locales/` but can't tell cargo.
fn main() {
    println!("cargo::rerun-if-changed=locales");
}
