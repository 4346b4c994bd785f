//! End-to-end tests of the `lamin` binary: what a user types and what they see.
//!
//! Each test runs the real binary in a sandbox: a temporary directory with `work/` (the working
//! directory, where relative storage roots land), `settings/` (`LAMIN_SETTINGS_DIR`, so the settings
//! live in `settings/.lamin`) and `home/` (`HOME`), with every other `LAMIN_*` variable removed and
//! stdin closed. The library behaviour itself is covered by the `lamindb-tests` suite; these tests
//! check the command line around it: exit codes, messages on stderr, data on stdout, and the files
//! that commands leave behind. Tests marked "every backend" also run on PostgreSQL when
//! `LAMIN_TEST_POSTGRES_URL` is set.

mod annotate;
mod artifact;
mod connect;
mod crash;
mod df;
mod disk;
mod doctor;
mod instance;
mod output;
mod sandbox;
mod secrets;
mod settings;
mod storage;
mod track;
mod transfer;
mod usage;
