//! The registry's one error type, and the one place that decides which gRPC
//! status each kind of failure becomes.

use std::fmt;

use tonic::{Code, Status};
use tonic_types::{
    ErrorDetails, FieldViolation as BadRequestViolation, LocalizedMessage, StatusExt,
};

use crate::domain::RegionCode;

/// One problem with one field of a request, e.g. `reports[3].count`: in
/// English for developers and other services, and in Indonesian for the
/// people the dashboard shows it to (the violation's localized message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldViolation {
    pub field: String,
    pub description: String,
    pub indonesian: String,
}

/// The locale of the messages a status carries besides its English one.
pub const INDONESIAN: &str = jemput_base::format::Lang::INDONESIAN_LOCALE;

/// Every problem found in a request, so a client can fix them all at once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Violations(Vec<FieldViolation>);

impl Violations {
    pub fn add(
        &mut self,
        field: impl Into<String>,
        description: impl Into<String>,
        indonesian: impl Into<String>,
    ) {
        self.0.push(FieldViolation {
            field: field.into(),
            description: description.into(),
            indonesian: indonesian.into(),
        });
    }

    /// Every violation as "field: problem" in Indonesian, one after another.
    fn indonesian(&self) -> String {
        self.0
            .iter()
            .map(|v| format!("{}: {}", v.field, v.indonesian))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The violations as a bad request's, each with its Indonesian.
    fn bad_request(&self) -> ErrorDetails {
        let mut details = ErrorDetails::new();
        details.set_bad_request(
            self.0
                .iter()
                .map(|v| BadRequestViolation {
                    field: v.field.clone(),
                    description: v.description.clone(),
                    reason: String::new(),
                    localized_message: Some(LocalizedMessage::new(INDONESIAN, &v.indonesian)),
                })
                .collect::<Vec<_>>(),
        );
        details
    }

    /// The violations as a failed precondition's, each of `kind`, with the
    /// Indonesian of `error` (which names them all) on the status.
    fn precondition_failure(&self, kind: &str, error: &RegistryError) -> ErrorDetails {
        let mut details = ErrorDetails::new();
        for v in &self.0 {
            details.add_precondition_failure_violation(kind, &v.field, &v.description);
        }
        localized(details, error)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok` if nothing was found, else the violations as invalid input.
    pub fn into_result(self) -> Result<(), RegistryError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(RegistryError::InvalidArgument(self))
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &FieldViolation> {
        self.0.iter()
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, violation) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", violation.field, violation.description)?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in the registry.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The request itself is wrong; each violation names a field.
    #[error("invalid request: {0}")]
    InvalidArgument(Violations),
    /// A well-formed region name that the registry does not hold.
    #[error("{0} does not exist")]
    NotFound(RegionCode),
    /// A retry must carry exactly the request it retries.
    #[error("request_id {0:?} was already used for a different batch")]
    RequestIdReused(String),
    /// A valid batch that would take villages above their recorded KTP-el
    /// (nobody can activate an IKD without one). Each violation names the
    /// report at which the village went over.
    #[error("batch would take villages above their recorded KTP-el: {0}")]
    AboveRecorded(Violations),
    /// A valid batch for villages that have no counts yet (added from the
    /// national list, not yet imported); each violation names the report.
    #[error("no counts yet: {0}")]
    NoCountsYet(Violations),
    /// A well-formed ledger entry name that the ledger does not hold.
    #[error("activations/{0} does not exist")]
    ActivationNotFound(i64),
    /// A well-formed correction that cannot be applied as asked: it would
    /// change nothing, or take the village outside 0..=its recorded KTP-el.
    #[error("correction refused: {0}")]
    CorrectionRefused(Violations),
    /// A well-formed token name that the registry does not hold.
    #[error("{0} does not exist")]
    TokenNotFound(String),
    /// The caller's token may call the method, but not for what the
    /// request names (a village outside a field token's scope); each
    /// violation names the field.
    #[error("not allowed for this token: {0}")]
    PermissionDenied(Violations),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("the stored answer to request {request_id:?} cannot be read: {source}")]
    StoredResponse {
        request_id: String,
        source: serde_json::Error,
    },
    #[error("seed data: {0}")]
    Seed(String),
    /// Something in the database that the registry itself never writes.
    #[error("inconsistent database: {0}")]
    Corrupt(String),
    #[error("unsupported database URL (use sqlite://PATH or postgres://..): {0}")]
    UnsupportedDatabaseUrl(String),
    #[error("no data directory: set JEMPUT_DATA_DIR, XDG_DATA_HOME or HOME")]
    NoDataDirectory,
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("no randomness for a token: {0}")]
    Random(String),
    #[error(transparent)]
    Tls(#[from] jemput_auth::tls::TlsError),
    #[error(transparent)]
    Exposure(#[from] jemput_auth::tls::ExposureError),
    #[error("gRPC server: {0}")]
    Transport(#[from] tonic::transport::Error),
    #[error("reflection service: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
}

impl RegistryError {
    /// A single field violation, in English and in Indonesian.
    pub fn invalid(
        field: impl Into<String>,
        description: impl Into<String>,
        indonesian: impl Into<String>,
    ) -> Self {
        let mut violations = Violations::default();
        violations.add(field, description, indonesian);
        RegistryError::InvalidArgument(violations)
    }

    /// What a person reading the Indonesian dashboard should see instead
    /// of the status message; `None` where the detail is ours, not theirs.
    fn indonesian(&self) -> Option<String> {
        Some(match self {
            RegistryError::InvalidArgument(v) => v.indonesian(),
            RegistryError::NotFound(code) => format!("{code} tidak ada"),
            RegistryError::RequestIdReused(id) => {
                format!("request_id {id:?} sudah dipakai untuk kiriman lain")
            }
            RegistryError::AboveRecorded(v) => {
                format!(
                    "kiriman ini akan membuat desa melebihi rekam KTP-el-nya: {}",
                    v.indonesian()
                )
            }
            RegistryError::NoCountsYet(v) => format!("belum ada data: {}", v.indonesian()),
            RegistryError::ActivationNotFound(id) => format!("activations/{id} tidak ada"),
            RegistryError::CorrectionRefused(v) => format!("koreksi ditolak: {}", v.indonesian()),
            RegistryError::TokenNotFound(name) => format!("{name} tidak ada"),
            RegistryError::PermissionDenied(v) => {
                format!("tidak diizinkan untuk token ini: {}", v.indonesian())
            }
            RegistryError::Database(sqlx::Error::PoolTimedOut) => {
                "Basis data registri sedang sibuk; coba lagi".to_string()
            }
            _ => return None,
        })
    }
}

/// Server-side failures are logged in full but reported without detail: the
/// client cannot act on a SQL error, and it may reveal the schema.
fn internal(error: &RegistryError) -> Status {
    tracing::error!(%error, "internal error");
    Status::internal("internal error in the registry")
}

/// `details` with what `error` says in Indonesian as their localized message.
fn localized(mut details: ErrorDetails, error: &RegistryError) -> ErrorDetails {
    if let Some(indonesian) = error.indonesian() {
        details.set_localized_message(INDONESIAN, indonesian);
    }
    details
}

impl From<RegistryError> for Status {
    fn from(error: RegistryError) -> Status {
        match &error {
            RegistryError::InvalidArgument(violations) => {
                let details = localized(violations.bad_request(), &error);
                Status::with_error_details(Code::InvalidArgument, error.to_string(), details)
            }
            RegistryError::NotFound(_)
            | RegistryError::TokenNotFound(_)
            | RegistryError::ActivationNotFound(_) => Status::with_error_details(
                Code::NotFound,
                error.to_string(),
                localized(ErrorDetails::new(), &error),
            ),
            RegistryError::PermissionDenied(violations) => {
                let details = localized(violations.bad_request(), &error);
                Status::with_error_details(Code::PermissionDenied, error.to_string(), details)
            }
            RegistryError::RequestIdReused(_) => {
                let mut reused = Violations::default();
                reused.add(
                    "request_id",
                    "already used for a different batch",
                    "sudah dipakai untuk kiriman lain",
                );
                let details = localized(reused.bad_request(), &error);
                Status::with_error_details(Code::InvalidArgument, error.to_string(), details)
            }
            RegistryError::AboveRecorded(violations) => {
                let details = violations.precondition_failure("ABOVE_KTP_EL_RECORDED", &error);
                Status::with_error_details(Code::FailedPrecondition, error.to_string(), details)
            }
            RegistryError::NoCountsYet(violations) => {
                let details = violations.precondition_failure("NO_COUNTS_YET", &error);
                Status::with_error_details(Code::FailedPrecondition, error.to_string(), details)
            }
            RegistryError::CorrectionRefused(violations) => {
                let details = violations.precondition_failure("CORRECTION_REFUSED", &error);
                Status::with_error_details(Code::FailedPrecondition, error.to_string(), details)
            }
            // A busy pool is worth retrying; anything else from the database is ours.
            RegistryError::Database(sqlx::Error::PoolTimedOut) => Status::with_error_details(
                Code::Unavailable,
                "the registry database is busy; retry",
                localized(ErrorDetails::new(), &error),
            ),
            RegistryError::Database(_)
            | RegistryError::Migration(_)
            | RegistryError::StoredResponse { .. }
            | RegistryError::Seed(_)
            | RegistryError::Corrupt(_)
            | RegistryError::UnsupportedDatabaseUrl(_)
            | RegistryError::NoDataDirectory
            | RegistryError::Io(_)
            | RegistryError::Random(_)
            | RegistryError::Tls(_)
            | RegistryError::Exposure(_)
            | RegistryError::Transport(_)
            | RegistryError::Reflection(_) => internal(&error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_violation_reaches_the_status() {
        let mut violations = Violations::default();
        violations.add("reports[0].count", "must be positive", "harus lebih dari 0");
        violations.add("reports[2].region", "must be a village", "harus desa");
        let status = Status::from(RegistryError::InvalidArgument(violations));
        assert_eq!(status.code(), Code::InvalidArgument);
        let fields: Vec<String> = status
            .get_error_details()
            .bad_request()
            .map(|b| b.field_violations.iter().map(|v| v.field.clone()).collect())
            .unwrap_or_default();
        assert_eq!(fields, ["reports[0].count", "reports[2].region"]);
    }

    #[test]
    fn internal_errors_hide_their_detail() {
        let status = Status::from(RegistryError::Seed("secret path".into()));
        assert_eq!(status.code(), Code::Internal);
        assert!(!status.message().contains("secret"));
    }
}
