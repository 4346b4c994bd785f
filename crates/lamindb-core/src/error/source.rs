//! The source of [`Error::Connect`](super::Error::Connect): the driver's error, which may quote the
//! database URL with its password, behind a type that prints only the redacted message.

use std::fmt;

/// The database driver's error of a failed connection (the source of
/// [`Error::Connect`](super::Error::Connect)). Its `Display` and `Debug` print the redacted
/// message only, so printing an error and its sources never shows a password;
/// [`ConnectError::driver_error`] is the driver's own error.
pub struct ConnectError {
    message: String,
    error: diesel::ConnectionError,
}

impl ConnectError {
    /// `error` with its `message` already redacted.
    pub(crate) fn new(message: String, error: diesel::ConnectionError) -> ConnectError {
        ConnectError { message, error }
    }

    /// The driver's error as it came, to match its kind (`BadConnection`, `InvalidConnectionUrl`,
    /// …). Its text is not redacted: it may quote the URL with its password, so do not print it.
    pub fn driver_error(&self) -> &diesel::ConnectionError {
        &self.error
    }
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectError").field("message", &self.message).finish_non_exhaustive()
    }
}

impl std::error::Error for ConnectError {}
