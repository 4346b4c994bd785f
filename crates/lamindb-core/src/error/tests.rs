//! Tests of the errors: their sources and messages.
