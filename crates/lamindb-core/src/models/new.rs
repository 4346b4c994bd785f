//! Constructors: records built with LaminDB's uids and defaults, ready to [`save`](crate::SQLRecord::save).

use super::{Branch, Feature, Project, Record as SheetRecord, Reference, Run, Space, Transform, ULabel};
use crate::registry::SQLRecord;
use crate::uid::new_uid;

impl ULabel {
    /// A new, unsaved label (LaminDB's `ULabel(name=…)`).
    ///
    /// ```
    /// let label = lamindb_core::ULabel::new("T cell").with_description("a lymphocyte");
    /// assert_eq!(label.uid.len(), 8);
    /// assert!(label.id.is_none());
    /// ```
    pub fn new(name: impl Into<String>) -> ULabel {
        ULabel { uid: new_uid(Self::REGISTRY), name: name.into(), ..Default::default() }
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> ULabel {
        self.description = Some(description.into());
        self
    }
}

impl Transform {
    /// A new, unsaved transform of `kind` (`pipeline`, `notebook`, `script` or `function`),
    /// first version of its family.
    ///
    /// ```
    /// let t = lamindb_core::Transform::new("pipelines/qc.py", "script");
    /// assert!(t.uid.ends_with("0000") && t.is_latest);
    /// ```
    pub fn new(key: impl Into<String>, kind: impl Into<String>) -> Transform {
        Transform {
            uid: new_uid(Self::REGISTRY),
            key: key.into(),
            kind: kind.into(),
            is_latest: true,
            ..Default::default()
        }
    }
}

impl Run {
    /// A new, unsaved run of the saved transform with id `transform_id`.
    ///
    /// ```
    /// let run = lamindb_core::Run::new(1);
    /// assert_eq!((run.uid.len(), run.transform_id), (16, 1));
    /// ```
    pub fn new(transform_id: i64) -> Run {
        Run { uid: new_uid(Self::REGISTRY), transform_id, ..Default::default() }
    }
}

impl Feature {
    /// A new, unsaved feature with LaminDB's dtype string (`int`, `float`, `str`, `cat[ULabel]`).
    ///
    /// ```
    /// let f = lamindb_core::Feature::new("temperature", "float");
    /// assert_eq!(f.dtype_str.as_deref(), Some("float"));
    /// ```
    pub fn new(name: impl Into<String>, dtype: impl Into<String>) -> Feature {
        Feature {
            uid: new_uid(Self::REGISTRY),
            name: name.into(),
            dtype_str: crate::value::Internal(Some(dtype.into())),
            ..Default::default()
        }
    }
}

impl Space {
    /// A new, unsaved space.
    ///
    /// ```
    /// assert_eq!(lamindb_core::Space::new("team").uid.len(), 12);
    /// ```
    pub fn new(name: impl Into<String>) -> Space {
        Space { uid: new_uid(Self::REGISTRY), name: name.into(), ..Default::default() }
    }
}

impl Branch {
    /// A new, unsaved branch.
    ///
    /// ```
    /// assert_eq!(lamindb_core::Branch::new("feature-x").uid.len(), 12);
    /// ```
    pub fn new(name: impl Into<String>) -> Branch {
        Branch { uid: new_uid(Self::REGISTRY), name: name.into(), ..Default::default() }
    }
}

impl Project {
    /// A new, unsaved project (LaminDB's `Project(name=…)`).
    ///
    /// ```
    /// let p = lamindb_core::Project::new("atlas");
    /// assert_eq!((p.uid.len(), p.name.as_str()), (12, "atlas"));
    /// ```
    pub fn new(name: impl Into<String>) -> Project {
        Project { uid: new_uid(Self::REGISTRY), name: name.into(), ..Default::default() }
    }
}

impl Reference {
    /// A new, unsaved reference (LaminDB's `Reference(name=…)`).
    ///
    /// ```
    /// let r = lamindb_core::Reference::new("Smith et al. 2024");
    /// assert_eq!(r.uid.len(), 12);
    /// ```
    pub fn new(name: impl Into<String>) -> Reference {
        Reference { uid: new_uid(Self::REGISTRY), name: name.into(), ..Default::default() }
    }
}

impl SheetRecord {
    /// A new, unsaved record (LaminDB's `Record(name=…)`); set `type_id` to place it in a sheet
    /// (a record with `is_type`).
    ///
    /// ```
    /// let r = lamindb_core::models::Record::new("sample 1");
    /// assert_eq!((r.uid.len(), r.name.as_deref()), (16, Some("sample 1")));
    /// ```
    pub fn new(name: impl Into<String>) -> SheetRecord {
        SheetRecord { uid: new_uid(Self::REGISTRY), name: Some(name.into()), ..Default::default() }
    }
}
