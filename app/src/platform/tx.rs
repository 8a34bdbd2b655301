//! Changes that span collections run in one MongoDB transaction: either every part is
//! written or none is, even when the database goes away halfway.
//!
//! Two transactions that touch the same document (two deletes giving back room in the same
//! usage counter) can conflict; the loser is retried, as MongoDB's transient-error labels
//! advise:
//!
//! ```ignore
//! let mut tries = Tries::default();
//! let value = loop {
//!     let mut tx = tries.start(db).await?;
//!     let body = async { /* writes with `…_in(&mut tx, …)` */ Ok(value) }.await;
//!     if let Some(v) = tx.finish(body).await? {
//!         break v;
//!     }
//! };
//! ```

use mongodb::ClientSession;

use super::Db;
use crate::error::AppError;

/// How many times a transaction is tried before its conflict is reported.
const MAX_TRIES: u32 = 8;

/// A transaction in progress. Pass it to the `…_in` calls of the scoped layer (or run a raw
/// global call with [`Tx::session`] and hand its result to [`Tx::check`]), then
/// [`Tx::finish`]. Dropped without a commit, the driver aborts it and nothing is written.
pub struct Tx {
    session: ClientSession,
    /// A call failed with an error the server marked as transient (a write conflict): the
    /// whole transaction may be tried again.
    transient: bool,
}

/// Counts the tries of one transaction.
#[derive(Default)]
pub struct Tries(u32);

impl Tries {
    /// Starts the next try, or refuses once there were too many.
    pub async fn start(&mut self, db: &Db) -> Result<Tx, AppError> {
        self.0 += 1;
        if self.0 > MAX_TRIES {
            return Err(super::db::internal("transaction", &format!("still conflicting after {MAX_TRIES} tries")));
        }
        if self.0 > 1 {
            // Let the other transaction finish first; a little longer each time.
            tokio::time::sleep(std::time::Duration::from_millis(fastrand::u64(5..20) * u64::from(self.0))).await;
        }
        let mut session = db.client().start_session().await?;
        session.start_transaction().await?;
        Ok(Tx { session, transient: false })
    }
}

impl Tx {
    pub fn session(&mut self) -> &mut ClientSession {
        &mut self.session
    }

    /// The shared error of a call made in this transaction, noting whether it was transient.
    pub fn check<T>(&mut self, result: Result<T, mongodb::error::Error>) -> Result<T, AppError> {
        result.map_err(|e| {
            if is_transient(&e) {
                self.transient = true;
                tracing::debug!(error = %e, "transaction conflict: it will be tried again");
                return AppError::unavailable(super::db::DB_UNAVAILABLE);
            }
            e.into()
        })
    }

    /// Commits when `body` succeeded. `Ok(None)`: a transient conflict, try again from the
    /// start; `Err`: `body`'s own error, or a commit that failed for good.
    pub async fn finish<T>(mut self, body: Result<T, AppError>) -> Result<Option<T>, AppError> {
        let value = match body {
            Ok(v) => v,
            Err(_) if self.transient => return Ok(None),
            Err(e) => return Err(e),
        };
        loop {
            match self.session.commit_transaction().await {
                Ok(()) => return Ok(Some(value)),
                // The commit's outcome is unknown (a lost connection): committing again is safe.
                Err(e) if e.contains_label(mongodb::error::UNKNOWN_TRANSACTION_COMMIT_RESULT) && !super::db::is_unreachable(&e) => continue,
                Err(e) if is_transient(&e) => return Ok(None),
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// A conflict with another transaction: the server labels it transient (or reports a write
/// conflict, code 112, without the label).
fn is_transient(e: &mongodb::error::Error) -> bool {
    use mongodb::error::ErrorKind;
    if e.contains_label(mongodb::error::TRANSIENT_TRANSACTION_ERROR) {
        return !super::db::is_unreachable(e);
    }
    match &*e.kind {
        ErrorKind::Command(c) => c.code == 112,
        ErrorKind::Write(mongodb::error::WriteFailure::WriteError(w)) => w.code == 112,
        _ => false,
    }
}
