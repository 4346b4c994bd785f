//! The behaviour suite: every case runs against every available SQL backend.

mod annotate;
mod artifact;
mod asyncio;
mod cloud;
mod doctor;
mod frame;
mod hostile;
mod instance;
mod interop;
mod io;
mod layering;
mod library;
mod python_on_ours;
mod python_transfer;
mod query;
mod records;
mod storage;
mod track;
mod transaction;
mod transfer;
