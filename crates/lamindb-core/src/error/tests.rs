//! Tests of the errors: the sources they keep, and that none of them prints a password.

use std::error::Error as _;

use super::{ConnectError, Error};
use crate::db::Db;

/// Every message in `e`'s chain of sources, `e` first.
fn chain(e: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut out = vec![e.to_string()];
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push(c.to_string());
        cause = c.source();
    }
    out
}

#[test]
fn connect_keeps_the_drivers_error() {
    let tmp = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", tmp.path().join("missing").join("x.db").display());
    let err = Db::connect(&url).err().expect("a file in a missing folder cannot be opened");
    let Error::Connect { message, .. } = &err else { panic!("{err:?}") };
    let source = err.source().expect("a source").downcast_ref::<ConnectError>().expect("ConnectError");
    assert_eq!(&source.to_string(), message);
    assert!(matches!(source.driver_error(), diesel::ConnectionError::BadConnection(_)), "{source:?}");
    assert_eq!(chain(&err).len(), 2);
}

#[cfg(feature = "postgres")]
#[test]
fn no_source_of_a_failed_connect_prints_the_password() {
    let secret = "s3cr3t-pw-0815";
    let url = format!("postgresql://someone:{secret}@127.0.0.1:1/db");
    let err = Db::connect(&url).err().expect("nothing listens on port 1");
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    let source = err.source().expect("a source").downcast_ref::<ConnectError>().expect("ConnectError");
    for text in chain(&err).into_iter().chain([format!("{err:?}"), format!("{source:?}")]) {
        assert!(!text.contains(secret), "{text}");
    }
    // The driver's error is there, unredacted, for a caller that asks for it.
    assert!(matches!(source.driver_error(), diesel::ConnectionError::BadConnection(_)));
}

#[test]
fn migration_keeps_the_migration_error() {
    // A table of the first step exists already: the step fails. (Written out: the error module
    // sits below the registry declarations, and the DDL is the migration's, not a registry's.)
    let tmp = tempfile::tempdir().unwrap();
    let mut db = Db::connect(&format!("sqlite://{}", tmp.path().join("x.db").display())).unwrap();
    db.batch_execute("CREATE TABLE \"lamindb_user\" (\"id\" integer)").unwrap();
    let err = crate::migrations::run_pending(&mut db).unwrap_err();
    let Error::Migration(cause) = &err else { panic!("{err:?}") };
    assert!(cause.to_string().contains("already exists"), "{cause}");
    let source = err.source().expect("a source");
    assert_eq!(source.to_string(), cause.to_string());
    assert_eq!(err.to_string(), format!("migration failed: {source}"));
}

#[test]
fn decode_keeps_the_parse_error() {
    let json = serde_json::from_str::<serde_json::Value>("{not json").unwrap_err();
    let err = Error::decode_from("column params", json);
    assert!(
        err.to_string().starts_with("cannot decode a database value: column params: key must be a string")
    );
    let source = err.source().expect("a source");
    assert!(source.downcast_ref::<serde_json::Error>().is_some_and(|e| e.is_syntax()));
    // Every message of the chain once: the source's text is part of the error's.
    let texts = chain(&err);
    assert!(texts[0].contains(&texts[1]), "{texts:?}");

    // A value of another type has nothing underneath.
    let err = crate::Value::Text("x".into()).coerce(crate::SqlType::Int, "id").unwrap_err();
    assert!(matches!(err, Error::Decode { source: None, .. }), "{err:?}");
}
