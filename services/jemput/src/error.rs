//! What can go wrong in a command, and how it is told to the person (or
//! program, with `--json`) who ran it.
//!
//! A gRPC error keeps everything the service said: its code, message and
//! every field violation, so a planner can fix all bad rows in one go.

use std::{fmt, path::PathBuf};

use serde::Serialize;
use serde_json::json;
use tonic::Code;
use tonic_types::StatusExt;

use crate::up::UpError;

/// A failed command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The service is not listening (or the address is wrong).
    #[error("cannot reach the {service} at {url}: is `jemput up` running?")]
    Unreachable {
        service: &'static str,
        url: String,
        #[source]
        source: tonic::transport::Error,
    },
    /// The address given for a service is not a URL (or its TLS setup failed).
    #[error(
        "`{url}` is not a valid address for the {service}: expected e.g. http://127.0.0.1:50051 ({source})"
    )]
    BadAddress {
        service: &'static str,
        url: String,
        #[source]
        source: jemput_auth::tls::TlsError,
    },
    /// Arguments that clap cannot rule out on its own.
    #[error("{0}")]
    Usage(String),
    /// The service answered with an error.
    #[error("{0}")]
    Rpc(RpcError),
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    ReadFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file was read but some rows cannot be sent as they are; nothing was sent.
    #[error(
        "{} has {} {}; nothing was sent",
        path.display(),
        problems.len(),
        if problems.len() == 1 { "problem" } else { "problems" }
    )]
    BadFile {
        path: PathBuf,
        problems: Vec<Violation>,
    },
    /// Output could not be written.
    #[error("cannot write the output: {0}")]
    Output(#[source] std::io::Error),
    /// A file asked for with `--out` could not be written.
    #[error("cannot write {}: {source}", path.display())]
    WriteFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The services could not be started or stopped cleanly.
    #[error(transparent)]
    Up(#[from] UpError),
}

impl CliError {
    /// The process exit code: 2 for input the command could not use, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_)
            | CliError::BadAddress { .. }
            | CliError::BadFile { .. }
            | CliError::ReadFile { .. } => 2,
            CliError::Unreachable { .. }
            | CliError::Rpc(_)
            | CliError::Output(_)
            | CliError::WriteFile { .. }
            | CliError::Up(_) => 1,
        }
    }

    /// What a person reads: the error, then one indented line per problem.
    pub fn to_human(&self) -> String {
        let mut out = format!("error: {self}");
        let details: &[Violation] = match self {
            CliError::Rpc(rpc) => &rpc.violations,
            CliError::BadFile { problems, .. } => problems,
            _ => &[],
        };
        for violation in details {
            out.push_str(&format!("\n  {violation}"));
        }
        if let CliError::Rpc(RpcError {
            hint: Some(hint), ..
        }) = self
        {
            out.push_str(&format!("\n{hint}"));
        }
        if let CliError::Up(up) = self {
            let mut said = up.to_string();
            let mut source = std::error::Error::source(up);
            while let Some(cause) = source {
                // Many errors repeat their source in their own message.
                let text = cause.to_string();
                if !said.contains(&text) {
                    out.push_str(&format!("\n  caused by: {text}"));
                }
                said = text;
                source = cause.source();
            }
        }
        out
    }

    /// What a program reads with `--json`: `{"error": {...}}`.
    pub fn to_json(&self) -> serde_json::Value {
        let body = match self {
            CliError::Rpc(rpc) => json!({
                "kind": "rpc",
                "message": self.to_string(),
                "service": rpc.service,
                "code": code_name(rpc.code),
                "status_message": rpc.message,
                "violations": rpc.violations,
                "hint": rpc.hint,
            }),
            CliError::BadFile { path, problems } => json!({
                "kind": "bad_file",
                "message": self.to_string(),
                "path": path,
                "violations": problems,
            }),
            CliError::Unreachable { service, url, .. } => json!({
                "kind": "unreachable",
                "message": self.to_string(),
                "service": service,
                "url": url,
            }),
            CliError::Usage(_)
            | CliError::BadAddress { .. }
            | CliError::ReadFile { .. }
            | CliError::Output(_)
            | CliError::WriteFile { .. }
            | CliError::Up(_) => {
                let human = self.to_human();
                let message = human.strip_prefix("error: ").unwrap_or(&human);
                json!({ "kind": "other", "message": message })
            }
        };
        json!({ "error": body })
    }
}

/// An error status from a service, with its details decoded.
#[derive(Debug, Clone)]
pub struct RpcError {
    pub service: &'static str,
    pub url: String,
    pub code: Code,
    pub message: String,
    /// Field violations and precondition failures, each naming its field.
    pub violations: Vec<Violation>,
    /// What to do next, when the command knows better than the status.
    pub hint: Option<String>,
}

impl RpcError {
    pub fn from_status(service: &'static str, url: &str, status: &tonic::Status) -> Self {
        let details = status.get_error_details();
        // Bad requests name fields; precondition failures name the subject
        // (for the registry, also a field such as `reports[3].count`).
        let mut violations: Vec<Violation> = Vec::new();
        if let Some(bad) = details.bad_request() {
            violations.extend(
                bad.field_violations
                    .iter()
                    .map(|v| Violation::field(&v.field, &v.description)),
            );
        }
        if let Some(failure) = details.precondition_failure() {
            violations.extend(
                failure
                    .violations
                    .iter()
                    .map(|v| Violation::field(&v.subject, &v.description)),
            );
        }
        let hint = match status.code() {
            Code::Unauthenticated => Some(format!(
                "set {} to a token (`jemput token create` makes one), or run this on the machine where `jemput up` keeps admin.token",
                crate::client::TOKEN_VAR
            )),
            Code::PermissionDenied if violations.is_empty() => {
                Some("this token's role may not do that; ask an admin for a token that may".into())
            }
            _ => None,
        };
        RpcError {
            service,
            url: url.to_string(),
            code: status.code(),
            message: status.message().to_string(),
            violations,
            hint,
        }
    }

    /// For a write whose outcome is unknown after this error (the call may
    /// have been applied before the connection broke), how to retry safely.
    pub fn with_retry_hint(mut self, request_id: &str) -> Self {
        let outcome_unknown = matches!(
            self.code,
            Code::Unavailable | Code::DeadlineExceeded | Code::Cancelled | Code::Unknown
        );
        if outcome_unknown {
            self.hint = Some(format!(
                "it may or may not have been applied: retry with --request-id {request_id}, which is applied at most once"
            ));
        }
        self
    }
}

impl RpcError {
    /// Whether the status message only repeats the violations listed under
    /// it (the registry's does), so a person need not read them twice.
    fn message_repeats_violations(&self) -> bool {
        !self.violations.is_empty()
            && self.violations.iter().all(|v| {
                self.message
                    .contains(&format!("{}: {}", v.field, v.description))
            })
    }
}

impl fmt::Display for RpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = code_name(self.code);
        if self.message_repeats_violations() {
            let n = self.violations.len();
            let problems = if n == 1 { "problem" } else { "problems" };
            write!(f, "the {} answered {code} ({n} {problems})", self.service)?;
        } else {
            write!(f, "the {} answered {code}: {}", self.service, self.message)?;
        }
        // A call that fails to connect comes back as UNAVAILABLE.
        if self.code == Code::Unavailable {
            write!(
                f,
                " (is the {} at {} running? `jemput up` starts it)",
                self.service, self.url
            )?;
        }
        Ok(())
    }
}

/// One problem with one field, or with one cell of an input file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    /// The request field, e.g. `counts[3].ktp_el_recorded`, or a file's column.
    pub field: String,
    pub description: String,
    /// Where in the input file, when the field came from one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<FileCell>,
}

/// A cell of an input file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileCell {
    /// 1-based data row (the header is not a row).
    pub row: usize,
    /// 1-based line of the file where the row starts.
    pub line: u64,
    /// The column as the file names it.
    pub column: String,
}

impl Violation {
    pub fn field(field: &str, description: &str) -> Self {
        Violation {
            field: field.to_string(),
            description: description.to_string(),
            row: None,
        }
    }

    pub fn in_file(cell: FileCell, description: impl Into<String>) -> Self {
        Violation {
            field: cell.column.clone(),
            description: description.into(),
            row: Some(cell),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.row {
            Some(cell) if cell.column.is_empty() => write!(
                f,
                "row {} (line {}): {}",
                cell.row, cell.line, self.description
            ),
            Some(cell) => write!(
                f,
                "row {} (line {}), column {}: {}",
                cell.row, cell.line, cell.column, self.description
            ),
            None => write!(f, "{}: {}", self.field, self.description),
        }
    }
}

/// The canonical name of a gRPC code, as in the gRPC documentation.
pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic_types::{ErrorDetails, StatusExt};

    fn rejected_import() -> tonic::Status {
        let mut details = ErrorDetails::new();
        details
            .add_bad_request_violation("counts[2].ikd_activated", "must not exceed ktp_el_recorded")
            .add_bad_request_violation("request_id", "is required");
        tonic::Status::with_error_details(Code::InvalidArgument, "2 problems", details)
    }

    #[test]
    fn rpc_errors_keep_every_field_violation() {
        let rpc = RpcError::from_status("registry", "http://127.0.0.1:50051", &rejected_import());
        assert_eq!(rpc.code, Code::InvalidArgument);
        assert_eq!(rpc.violations.len(), 2);
        let human = CliError::Rpc(rpc).to_human();
        assert_eq!(
            human,
            "error: the registry answered INVALID_ARGUMENT: 2 problems\n  \
             counts[2].ikd_activated: must not exceed ktp_el_recorded\n  \
             request_id: is required"
        );
    }

    #[test]
    fn a_message_that_lists_the_violations_is_not_printed_twice() {
        let mut details = ErrorDetails::new();
        details.add_bad_request_violation("reports[0].count", "must be positive; got 0");
        let status = tonic::Status::with_error_details(
            Code::InvalidArgument,
            "invalid request: reports[0].count: must be positive; got 0",
            details,
        );
        let rpc = RpcError::from_status("registry", "http://x", &status);
        assert_eq!(
            CliError::Rpc(rpc).to_human(),
            "error: the registry answered INVALID_ARGUMENT (1 problem)\n  \
             reports[0].count: must be positive; got 0"
        );
    }

    #[test]
    fn json_errors_name_the_code_and_fields() {
        let rpc = RpcError::from_status("registry", "http://x", &rejected_import());
        let value = CliError::Rpc(rpc).to_json();
        assert_eq!(value["error"]["code"], "INVALID_ARGUMENT");
        assert_eq!(
            value["error"]["violations"][0]["field"],
            "counts[2].ikd_activated"
        );
    }

    #[test]
    fn file_cells_read_as_row_line_column() {
        let violation = Violation::in_file(
            FileCell {
                row: 3,
                line: 4,
                column: "ktp_el_recorded_est".into(),
            },
            "must be >= 0",
        );
        assert_eq!(
            violation.to_string(),
            "row 3 (line 4), column ktp_el_recorded_est: must be >= 0"
        );
    }

    #[test]
    fn unavailable_points_at_jemput_up() {
        let status = tonic::Status::unavailable("tcp connect error");
        let rpc = RpcError::from_status("registry", "http://127.0.0.1:1", &status);
        assert!(rpc.to_string().contains("`jemput up`"), "{rpc}");
    }
}
