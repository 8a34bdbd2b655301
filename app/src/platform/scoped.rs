//! The workspace-scoped storage layer. Workspace data is reached only through [`Scoped`],
//! which a [`super::Ctx`] hands out for its own workspace: every filter gets `workspace_id`
//! added, every inserted document gets it set, and no update may change it, so no query can
//! forget the workspace or reach into another one.
//!
//! Writes answer with [`StoreError`], whose [`StoreError::Duplicate`] is a typed outcome the
//! domain maps to its own field error; it is never logged as an internal error.

use futures_util::TryStreamExt;
use mongodb::bson::{doc, Bson, Document};
use mongodb::options::ReturnDocument;
use mongodb::Collection;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::tx::Tx;
use super::Db;
use crate::error::AppError;

/// How a write can fail: a unique index refused it, or something else went wrong.
#[derive(Debug)]
pub enum StoreError {
    /// A unique index already holds this value; `index` names it when the server said.
    Duplicate { index: String },
    /// Anything else, already turned into the shared error (and logged when internal).
    Failed(AppError),
}

impl StoreError {
    pub fn is_duplicate(&self) -> bool {
        matches!(self, StoreError::Duplicate { .. })
    }

    /// True when the duplicate is on index `name`.
    pub fn is_duplicate_on(&self, name: &str) -> bool {
        matches!(self, StoreError::Duplicate { index } if index == name)
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Duplicate { index } => write!(f, "duplicate key on index {index:?}"),
            StoreError::Failed(e) => write!(f, "{e}"),
        }
    }
}

impl From<mongodb::error::Error> for StoreError {
    fn from(e: mongodb::error::Error) -> Self {
        if super::db::is_duplicate_key(&e) {
            StoreError::Duplicate { index: duplicate_index(&e.to_string()) }
        } else {
            StoreError::Failed(e.into())
        }
    }
}

impl From<mongodb::bson::ser::Error> for StoreError {
    fn from(e: mongodb::bson::ser::Error) -> Self {
        StoreError::Failed(e.into())
    }
}

impl From<AppError> for StoreError {
    fn from(e: AppError) -> Self {
        StoreError::Failed(e)
    }
}

/// A duplicate the domain did not map to a field of its own: a plain validation message,
/// logged as what it is.
impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Duplicate { index } => {
                tracing::info!(index, "duplicate refused by a unique index");
                AppError::Validation { message: crate::i18n::CommonTexts::now().err_duplicate.to_string(), fields: vec![] }
            }
            StoreError::Failed(e) => e,
        }
    }
}

/// The index named in a duplicate-key message ("… index: handle_unique dup key: …").
fn duplicate_index(message: &str) -> String {
    message.split("index: ").nth(1).and_then(|rest| rest.split_whitespace().next()).unwrap_or("").to_string()
}

/// Runs a storage call, typing a duplicate key as [`StoreError::Duplicate`] (for the
/// global accessor, whose calls answer with the driver's error).
pub trait Stored<T> {
    fn stored(self) -> Result<T, StoreError>;
}

impl<T> Stored<T> for Result<T, mongodb::error::Error> {
    fn stored(self) -> Result<T, StoreError> {
        self.map_err(StoreError::from)
    }
}

/// One page of records in a stable order, and where the next page starts.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The `_id` of the last item when more may follow.
    pub next: Option<Bson>,
}

pub struct Scoped<T: Send + Sync> {
    coll: Collection<T>,
    raw: Collection<Document>,
    workspace_id: String,
}

impl<T: Send + Sync> Scoped<T> {
    pub(super) fn new(db: &Db, collection: &str, workspace_id: &str) -> Self {
        Scoped { coll: db.global(collection), raw: db.global(collection), workspace_id: workspace_id.to_string() }
    }

    /// `collection` of workspace `workspace_id`, for work that runs outside a request (a
    /// job, a public page once its owner is known). Greppable: `Scoped::of_workspace`.
    pub fn of_workspace(db: &Db, collection: &str, workspace_id: &str) -> Self {
        Self::new(db, collection, workspace_id)
    }

    /// `filter` narrowed to this workspace. A `workspace_id` already in `filter` is replaced.
    pub fn filter(&self, mut filter: Document) -> Document {
        filter.insert("workspace_id", self.workspace_id.clone());
        filter
    }

    pub fn workspace_id(&self) -> &str {
        &self.workspace_id
    }

    pub async fn count(&self, filter: Document) -> Result<u64, AppError> {
        Ok(self.raw.count_documents(self.filter(filter)).await?)
    }

    /// Updates one document of this workspace; answers how many matched (0 or 1). `update`
    /// must not move it elsewhere.
    pub async fn update_one(&self, filter: Document, update: Document) -> Result<u64, StoreError> {
        guard_update(&update)?;
        Ok(self.raw.update_one(self.filter(filter), update).await?.matched_count)
    }

    /// Updates the document matching `filter`, or inserts one made of `filter`'s equalities
    /// (this workspace's id among them) and `update`. Answers true when it inserted.
    pub async fn upsert_one(&self, filter: Document, update: Document) -> Result<bool, StoreError> {
        guard_update(&update)?;
        Ok(self.raw.update_one(self.filter(filter), update).upsert(true).await?.upserted_id.is_some())
    }

    /// Adds `by` to the number `field` of the one document matching `filter`, only while the
    /// result stays at most `max`. True when it did.
    pub async fn inc_if(&self, filter: Document, field: &str, by: i64, max: i64) -> Result<bool, StoreError> {
        let mut filter = filter;
        filter.insert(field, doc! { "$lte": max - by });
        Ok(self.update_one(filter, doc! { "$inc": { field: by } }).await? == 1)
    }

    pub async fn update_many(&self, filter: Document, update: Document) -> Result<u64, StoreError> {
        guard_update(&update)?;
        Ok(self.raw.update_many(self.filter(filter), update).await?.modified_count)
    }

    pub async fn delete_one(&self, filter: Document) -> Result<u64, AppError> {
        Ok(self.raw.delete_one(self.filter(filter)).await?.deleted_count)
    }

    pub async fn delete_many(&self, filter: Document) -> Result<u64, AppError> {
        Ok(self.raw.delete_many(self.filter(filter)).await?.deleted_count)
    }

    /// [`Scoped::delete_many`] inside the transaction `tx`.
    pub async fn delete_many_in(&self, tx: &mut Tx, filter: Document) -> Result<u64, AppError> {
        let r = self.raw.delete_many(self.filter(filter)).session(tx.session()).await;
        Ok(tx.check(r)?.deleted_count)
    }

    /// [`Scoped::delete_one`] inside the transaction `tx`.
    pub async fn delete_one_in(&self, tx: &mut Tx, filter: Document) -> Result<u64, AppError> {
        let r = self.raw.delete_one(self.filter(filter)).session(tx.session()).await;
        Ok(tx.check(r)?.deleted_count)
    }

    /// [`Scoped::update_one`] inside the transaction `tx`.
    pub async fn update_one_in(&self, tx: &mut Tx, filter: Document, update: Document) -> Result<u64, AppError> {
        guard_update(&update)?;
        let r = self.raw.update_one(self.filter(filter), update).session(tx.session()).await;
        Ok(tx.check(r)?.matched_count)
    }

    /// The first document matching `filter`, in raw form.
    pub async fn find_one_raw(&self, filter: Document) -> Result<Option<Document>, AppError> {
        Ok(self.raw.find_one(self.filter(filter)).await?)
    }

    /// At most `limit` documents matching `filter`, in `sort` order, with only the fields of
    /// `projection`.
    pub async fn find_projected(&self, filter: Document, projection: Document, sort: Document, limit: i64) -> Result<Vec<Document>, AppError> {
        Ok(self.raw.find(self.filter(filter)).projection(projection).sort(sort).limit(limit).await?.try_collect().await?)
    }

    /// Runs `pipeline` over this workspace's documents only: a `$match` on the workspace
    /// goes first.
    pub async fn aggregate(&self, pipeline: Vec<Document>) -> Result<Vec<Document>, AppError> {
        let mut stages = vec![doc! { "$match": self.filter(doc! {}) }];
        stages.extend(pipeline);
        Ok(self.raw.aggregate(stages).await?.try_collect().await?)
    }

    /// Every document of this workspace in raw form (for the export).
    pub async fn export_all(&self) -> Result<Vec<Document>, AppError> {
        Ok(self.raw.find(self.filter(doc! {})).sort(doc! { "_id": 1 }).await?.try_collect().await?)
    }
}

impl<T: Send + Sync + Serialize + DeserializeOwned> Scoped<T> {
    pub async fn find_one(&self, filter: Document) -> Result<Option<T>, AppError> {
        Ok(self.coll.find_one(self.filter(filter)).await?)
    }

    /// At most `limit` documents matching `filter`, in `sort` order.
    pub async fn find(&self, filter: Document, sort: Document, limit: i64) -> Result<Vec<T>, AppError> {
        Ok(self.coll.find(self.filter(filter)).sort(sort).limit(limit).await?.try_collect().await?)
    }

    /// Every document matching `filter`, in `sort` order, as a stream (for downloads that
    /// must not hold them all in memory).
    pub async fn stream(&self, filter: Document, sort: Document) -> Result<mongodb::Cursor<T>, AppError> {
        Ok(self.coll.find(self.filter(filter)).sort(sort).await?)
    }

    /// One page of documents matching `filter`, newest `_id` first (ids here grow with
    /// time), starting after `after` (the `next` of the previous page). The order is stable:
    /// `_id` is unique, so no record is shown twice or skipped between pages.
    pub async fn page_newest_first(&self, filter: Document, after: Option<Bson>, limit: i64) -> Result<Page<T>, AppError> {
        let mut filter = filter;
        if let Some(after) = after {
            filter.insert("_id", doc! { "$lt": after });
        }
        let mut items: Vec<T> = self.coll.find(self.filter(filter)).sort(doc! { "_id": -1 }).limit(limit + 1).await?.try_collect().await?;
        let more = items.len() as i64 > limit;
        items.truncate(limit.max(0) as usize);
        let next = if more {
            match items.last() {
                Some(last) => mongodb::bson::to_document(last)?.get("_id").cloned(),
                None => None,
            }
        } else {
            None
        };
        Ok(Page { items, next })
    }

    /// Inserts `value` into this workspace, whatever `workspace_id` it carried.
    pub async fn insert_one(&self, value: &T) -> Result<(), StoreError> {
        let mut d = mongodb::bson::to_document(value)?;
        d.insert("workspace_id", self.workspace_id.clone());
        self.raw.insert_one(d).await?;
        Ok(())
    }

    /// [`Scoped::insert_one`] inside the transaction `tx`. A duplicate is still a typed
    /// [`StoreError::Duplicate`]; the transaction is then spoilt and must be dropped.
    pub async fn insert_one_in(&self, tx: &mut Tx, value: &T) -> Result<(), StoreError> {
        let mut d = mongodb::bson::to_document(value)?;
        d.insert("workspace_id", self.workspace_id.clone());
        match self.raw.insert_one(d).session(tx.session()).await {
            Ok(_) => Ok(()),
            Err(e) if super::db::is_duplicate_key(&e) => Err(StoreError::from(e)),
            Err(e) => Err(StoreError::Failed(tx.check::<()>(Err(e)).err().unwrap_or_else(|| super::db::internal("scoped insert", &"no error")))),
        }
    }

    /// Updates one document and returns it as it is after the update.
    pub async fn find_one_and_update(&self, filter: Document, update: Document) -> Result<Option<T>, StoreError> {
        guard_update(&update)?;
        Ok(self.coll.find_one_and_update(self.filter(filter), update).return_document(ReturnDocument::After).await?)
    }
}

/// An update may never change which workspace a document belongs to: no operator may name
/// `workspace_id` as its field, nor (`$rename`) as the field it writes to.
fn guard_update(update: &Document) -> Result<(), AppError> {
    for (op, body) in update {
        if let Some(fields) = body.as_document() {
            let renamed_onto = op == "$rename" && fields.values().any(|to| to.as_str() == Some("workspace_id"));
            if fields.contains_key("workspace_id") || renamed_onto {
                return Err(super::db::internal("scoped update", &format!("{op} touches workspace_id")));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_cannot_move_a_document_to_another_workspace() {
        assert!(guard_update(&doc! { "$set": { "name": "x" } }).is_ok());
        assert!(guard_update(&doc! { "$set": { "workspace_id": "other" } }).is_err());
        assert!(guard_update(&doc! { "$unset": { "workspace_id": "" } }).is_err());
        assert!(guard_update(&doc! { "$rename": { "other_field": "workspace_id" } }).is_err());
        assert!(guard_update(&doc! { "$rename": { "old_name": "new_name" } }).is_ok());
    }

    #[test]
    fn a_duplicate_names_its_index() {
        let m = "E11000 duplicate key error collection: t.bio_pages index: handle_unique dup key: { handle: \"x\" }";
        assert_eq!(duplicate_index(m), "handle_unique");
        assert_eq!(duplicate_index("E11000 duplicate key"), "");
    }
}
