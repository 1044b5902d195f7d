//! The web layer's one error type and the one place it becomes an HTTP status.
//!
//! A handler returns [`WebError`]; [`IntoResponse`] logs the detail and leaves an
//! empty response carrying only the status. The page itself (translated, in the
//! site's frame) is drawn by `context::finish`, which turns every bodiless 4xx/5xx
//! response into the same friendly page, so the user never sees internals and
//! a denied patient looks exactly like one that does not exist.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sprout_store::StoreError;

/// What can go wrong while serving a request.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Unknown page, unknown or malformed id, or a patient the user may not see
    /// (ACCESS-POLICY.md: denied records are 404, never 403).
    #[error("not found")]
    NotFound,
    /// A state-changing request without a valid CSRF token or from another origin.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// A request the server cannot make sense of (bad form value).
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// A request body larger than the server accepts.
    #[error("payload too large")]
    PayloadTooLarge,
    /// The database failed; the text is for the log only.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// Anything else on the server's side; the text is for the log only.
    #[error("internal: {0}")]
    Internal(String),
}

impl WebError {
    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Store(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            Self::Store(_) | Self::Internal(_) => tracing::error!(error = %self, "request failed"),
            Self::Forbidden(why) => tracing::info!(why, "request refused"),
            Self::BadRequest(why) => tracing::info!(why, "bad request"),
            Self::NotFound | Self::PayloadTooLarge => {}
        }
        status.into_response()
    }
}

impl From<tokio::task::JoinError> for WebError {
    fn from(e: tokio::task::JoinError) -> Self {
        Self::Internal(format!("blocking task failed: {e}"))
    }
}

impl From<axum::extract::rejection::FormRejection> for WebError {
    fn from(r: axum::extract::rejection::FormRejection) -> Self {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Self::PayloadTooLarge
        } else {
            Self::BadRequest("unreadable form")
        }
    }
}

/// Result of a handler.
pub type WebResult<T> = Result<T, WebError>;
