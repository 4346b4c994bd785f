//! The behaviour suite: every case runs against every available SQL backend.

mod instance;
mod layering;
mod records;
mod storage;
