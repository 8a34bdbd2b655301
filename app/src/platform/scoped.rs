//! The workspace-scoped storage layer. Workspace data is reached only through
//! [`Scoped`], which a [`super::Ctx`] hands out for its own workspace: every filter gets
//! `workspace_id` added, and every inserted document gets it set, so no query can forget
//! the workspace or reach into another one.

use futures_util::TryStreamExt;
use mongodb::bson::{doc, Document};
use mongodb::Collection;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::Db;
use crate::error::AppError;

pub struct Scoped<T: Send + Sync> {
    coll: Collection<T>,
    raw: Collection<Document>,
    workspace_id: String,
}

impl<T: Send + Sync> Scoped<T> {
    pub(super) fn new(db: &Db, collection: &'static str, workspace_id: &str) -> Self {
        Scoped { coll: db.collection(collection), raw: db.collection(collection), workspace_id: workspace_id.to_string() }
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

    /// Updates one document of this workspace. `update` must not move it elsewhere.
    pub async fn update_one(&self, filter: Document, update: Document) -> Result<u64, AppError> {
        guard_update(&update)?;
        Ok(self.raw.update_one(self.filter(filter), update).await?.matched_count)
    }

    pub async fn update_many(&self, filter: Document, update: Document) -> Result<u64, AppError> {
        guard_update(&update)?;
        Ok(self.raw.update_many(self.filter(filter), update).await?.modified_count)
    }

    pub async fn delete_one(&self, filter: Document) -> Result<u64, AppError> {
        Ok(self.raw.delete_one(self.filter(filter)).await?.deleted_count)
    }

    pub async fn delete_many(&self, filter: Document) -> Result<u64, AppError> {
        Ok(self.raw.delete_many(self.filter(filter)).await?.deleted_count)
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

    /// Inserts `value` into this workspace, whatever `workspace_id` it carried.
    pub async fn insert_one(&self, value: &T) -> Result<(), AppError> {
        let mut d = mongodb::bson::to_document(value)?;
        d.insert("workspace_id", self.workspace_id.clone());
        self.raw.insert_one(d).await?;
        Ok(())
    }

    /// Updates one document and returns it as it is after the update.
    pub async fn find_one_and_update(&self, filter: Document, update: Document) -> Result<Option<T>, AppError> {
        guard_update(&update)?;
        Ok(self.coll.find_one_and_update(self.filter(filter), update).return_document(mongodb::options::ReturnDocument::After).await?)
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
}
