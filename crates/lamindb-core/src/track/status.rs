//! A run's status ([`RunStatus`]), shared by run tracking and the owners of runs.

/// A run's status, as LaminDB codes it in `Run._status_code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunStatus {
    /// −3: created, not started.
    Scheduled,
    /// −2: started again.
    Restarted,
    /// −1: running.
    Started,
    /// 0: finished successfully.
    Completed,
    /// 1: finished with an error.
    Errored,
    /// 2: stopped from outside (interrupted or killed).
    Aborted,
}

impl RunStatus {
    /// LaminDB's code.
    pub fn code(self) -> i64 {
        match self {
            RunStatus::Scheduled => -3,
            RunStatus::Restarted => -2,
            RunStatus::Started => -1,
            RunStatus::Completed => 0,
            RunStatus::Errored => 1,
            RunStatus::Aborted => 2,
        }
    }

    /// The status of a code, if it is one of LaminDB's.
    pub fn from_code(code: i64) -> Option<RunStatus> {
        Some(match code {
            -3 => RunStatus::Scheduled,
            -2 => RunStatus::Restarted,
            -1 => RunStatus::Started,
            0 => RunStatus::Completed,
            1 => RunStatus::Errored,
            2 => RunStatus::Aborted,
            _ => return None,
        })
    }

    /// LaminDB's name (`run.status`).
    pub fn name(self) -> &'static str {
        match self {
            RunStatus::Scheduled => "scheduled",
            RunStatus::Restarted => "restarted",
            RunStatus::Started => "started",
            RunStatus::Completed => "completed",
            RunStatus::Errored => "errored",
            RunStatus::Aborted => "aborted",
        }
    }
}
