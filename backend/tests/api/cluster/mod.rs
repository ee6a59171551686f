//! Three real nodes on one PostgreSQL and one Redis behave as one Natter.

mod faults;
mod harness;
mod live;
