//! The optimizer service's errors and the one place they become gRPC codes.

use tonic::{Code, Status};
use tonic_types::{
    ErrorDetails, FieldViolation as BadRequestViolation, LocalizedMessage, StatusExt,
};

use crate::params::FieldViolation;
use crate::solve::PlanError;

#[derive(Debug, thiserror::Error)]
pub enum OptimizerError {
    /// The request is malformed; every problem is named by its field.
    #[error("invalid request")]
    InvalidArgument(Vec<FieldViolation>),
    #[error("{0} not found")]
    NotFound(String),
    /// The district holds villages without counts (added from the national
    /// list, not yet imported): no plan can aim at a target of counts
    /// nobody has.
    #[error(
        "{district} has no counts yet for {villages} of its villages; import Dukcapil's counts first (jemput import)"
    )]
    NoCountsYet { district: String, villages: i32 },
    /// The registry could not be asked.
    #[error("registry unavailable: {0}")]
    RegistryUnavailable(String),
    /// The registry answered with an error we pass on.
    #[error("registry: {0}")]
    Registry(Status),
    #[error("the solve was cancelled")]
    Cancelled,
    /// The caller's deadline passed while the call waited for a core.
    #[error("the deadline passed before a solver was free")]
    DeadlineExceeded,
    /// A plan failed its own validation: a bug, never shown as the client's fault.
    #[error("internal: {0}")]
    Internal(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored plan is unreadable: {0}")]
    Corrupt(String),
    #[error("transport: {0}")]
    Transport(#[from] tonic::transport::Error),
    #[error(transparent)]
    Tls(#[from] jemput_auth::tls::TlsError),
    #[error(transparent)]
    Exposure(#[from] jemput_auth::tls::ExposureError),
    #[error("reflection: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

impl OptimizerError {
    /// One field's problem, in English and in Indonesian.
    pub fn invalid(
        field: impl Into<String>,
        description: impl Into<String>,
        indonesian: impl Into<String>,
    ) -> Self {
        OptimizerError::InvalidArgument(vec![FieldViolation::new(field, description, indonesian)])
    }

    /// What a person reading the Indonesian dashboard should see instead of
    /// the status message, for the errors a request can meet (invalid
    /// input has its own per field); `None` where the detail is ours, not
    /// theirs.
    fn indonesian(&self) -> Option<String> {
        Some(match self {
            OptimizerError::NotFound(what) => format!("{what} tidak ditemukan"),
            OptimizerError::NoCountsYet { district, villages } => format!(
                "{district} belum punya data untuk {} desanya; impor data Dukcapil dulu (jemput import)",
                jemput_base::format::count(i64::from(*villages))
            ),
            OptimizerError::RegistryUnavailable(_) => "Registri tidak dapat dihubungi".to_string(),
            OptimizerError::Cancelled => "Perhitungan dibatalkan".to_string(),
            OptimizerError::DeadlineExceeded => {
                "Batas waktu habis selagi permintaan menunggu pemecah yang senggang".to_string()
            }
            _ => return None,
        })
    }
}

impl From<PlanError> for OptimizerError {
    fn from(e: PlanError) -> Self {
        match e {
            PlanError::InvalidParameters(v) => OptimizerError::InvalidArgument(v),
            PlanError::Invalid(errors) => {
                OptimizerError::Internal(format!("plan failed validation: {}", errors.join("; ")))
            }
            PlanError::Cancelled => OptimizerError::Cancelled,
        }
    }
}

/// The locale of the messages a status carries besides its English one.
pub const INDONESIAN: &str = jemput_base::format::Lang::INDONESIAN_LOCALE;

/// `details` with what `error` says in Indonesian as their localized message.
fn localized(mut details: ErrorDetails, error: &OptimizerError) -> ErrorDetails {
    if let Some(indonesian) = error.indonesian() {
        details.set_localized_message(INDONESIAN, indonesian);
    }
    details
}

/// A status with `message` in English and what `error` says in Indonesian.
fn said(code: Code, message: String, error: &OptimizerError) -> Status {
    Status::with_error_details(code, message, localized(ErrorDetails::new(), error))
}

impl From<OptimizerError> for Status {
    fn from(e: OptimizerError) -> Self {
        match e {
            OptimizerError::InvalidArgument(violations) => {
                let violations = crate::convert::bounded(violations);
                let mut details = ErrorDetails::new();
                let summary = violations
                    .iter()
                    .map(|v| format!("{}: {}", v.field, v.description))
                    .collect::<Vec<_>>()
                    .join("; ");
                let indonesian = violations
                    .iter()
                    .map(|v| format!("{}: {}", v.field, v.indonesian))
                    .collect::<Vec<_>>()
                    .join("; ");
                details.set_localized_message(INDONESIAN, indonesian);
                details.set_bad_request(
                    violations
                        .into_iter()
                        .map(|v| BadRequestViolation {
                            field: v.field,
                            description: v.description,
                            reason: String::new(),
                            localized_message: Some(LocalizedMessage::new(
                                INDONESIAN,
                                v.indonesian,
                            )),
                        })
                        .collect::<Vec<_>>(),
                );
                Status::with_error_details(Code::InvalidArgument, summary, details)
            }
            OptimizerError::NotFound(ref what) => {
                said(Code::NotFound, format!("{what} not found"), &e)
            }
            OptimizerError::NoCountsYet { .. } => {
                let details = localized(
                    ErrorDetails::with_precondition_failure_violation(
                        "NO_COUNTS_YET",
                        "region",
                        e.to_string(),
                    ),
                    &e,
                );
                Status::with_error_details(Code::FailedPrecondition, e.to_string(), details)
            }
            OptimizerError::RegistryUnavailable(ref why) => said(
                Code::Unavailable,
                format!("the registry cannot be reached: {why}"),
                &e,
            ),
            OptimizerError::Registry(status) => status,
            OptimizerError::Cancelled => {
                said(Code::Cancelled, "the solve was cancelled".into(), &e)
            }
            OptimizerError::DeadlineExceeded => said(
                Code::DeadlineExceeded,
                "the deadline passed while the call waited for a free solver".into(),
                &e,
            ),
            OptimizerError::Internal(why) => Status::internal(why),
            OptimizerError::Database(e) => Status::internal(format!("database: {e}")),
            OptimizerError::Migrate(e) => Status::internal(format!("database migration: {e}")),
            OptimizerError::Corrupt(why) => Status::data_loss(why),
            OptimizerError::Transport(e) => Status::unavailable(e.to_string()),
            OptimizerError::Tls(e) => Status::internal(e.to_string()),
            OptimizerError::Exposure(e) => Status::internal(e.to_string()),
            OptimizerError::Reflection(e) => Status::internal(e.to_string()),
            OptimizerError::Io(e) => Status::internal(e.to_string()),
        }
    }
}
