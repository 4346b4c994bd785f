//! Transactions that fail with the caller's own error type: the writes before the failure are
//! rolled back and the caller's error comes back as it was, at any nesting depth.

use lamindb_core::{Instance, SQLRecord, ULabel};
use lamindb_tests::{TestInstance, for_each_backend};

/// A caller's error: its own reasons, and the library's errors.
#[derive(Debug)]
enum JobError {
    OutOfBudget { spent: u32 },
    Library(lamindb_core::Error),
}

impl From<lamindb_core::Error> for JobError {
    fn from(e: lamindb_core::Error) -> Self {
        JobError::Library(e)
    }
}

fn names(inst: &Instance) -> Vec<String> {
    ULabel::query()
        .order_by(lamindb_core::fields::ulabel::ID)
        .all(inst)
        .unwrap()
        .into_iter()
        .map(|l| l.name)
        .collect()
}

#[test]
fn a_transaction_failing_with_the_callers_error_rolls_back_and_returns_it() {
    for_each_backend("a_transaction_failing_with_the_callers_error", |b| {
        let t = TestInstance::new(b);
        let inst = &t.inst;
        ULabel::new("before").save(inst).unwrap();

        // Two writes, then the caller's own failure.
        let out = inst.transaction(|tx| {
            ULabel::new("first").save(tx)?;
            ULabel::new("second").save(tx)?;
            Err::<(), _>(JobError::OutOfBudget { spent: 2 })
        });
        assert!(matches!(out, Err(JobError::OutOfBudget { spent: 2 })), "{out:?}");
        assert_eq!(names(inst), ["before"], "the writes before the failure are gone");

        // A library error inside converts into the caller's type, and rolls back too.
        let out = inst.transaction(|tx| -> Result<(), JobError> {
            ULabel::new("third").save(tx)?;
            ULabel::new("").save(tx)?;
            Ok(())
        });
        match out {
            Err(JobError::Library(lamindb_core::Error::Validation { registry, .. })) => {
                assert_eq!(registry, "ULabel")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(names(inst), ["before"]);

        // Nested: the savepoint rolls back with the caller's error, the outer work commits.
        let committed = inst
            .transaction(|tx| -> Result<u32, JobError> {
                ULabel::new("outer").save(tx)?;
                let inner = tx.transaction(|inner| {
                    ULabel::new("inner").save(inner)?;
                    Err::<(), _>(JobError::OutOfBudget { spent: 7 })
                });
                match inner {
                    Err(JobError::OutOfBudget { spent }) => Ok(spent),
                    other => panic!("{other:?}"),
                }
            })
            .unwrap();
        assert_eq!(committed, 7);
        assert_eq!(names(inst), ["before", "outer"]);
    });
}
