//! What other modules may know of a person, without reaching into this module's storage:
//! who they are (id, name, e-mail, whether the address is confirmed) and their language.
//! Secrets (password hash, second factor, sessions) never leave the module.

use futures_util::TryStreamExt;
use mongodb::bson::doc;

use super::store::{self, UserDoc};
use crate::error::AppError;
use crate::platform::AppState;

/// A person, as other modules see them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub email: String,
    pub email_verified: bool,
    /// The profile's language ("en", "fr") and time zone (IANA).
    pub locale: String,
    pub time_zone: String,
}

impl From<UserDoc> for Person {
    fn from(u: UserDoc) -> Self {
        Person { id: u.id, name: u.name, email: u.email, email_verified: u.email_verified, locale: u.locale, time_zone: u.time_zone }
    }
}

/// The person with account `id`.
pub async fn by_id(state: &AppState, id: &str) -> Result<Option<Person>, AppError> {
    Ok(store::users(&state.db).find_one(doc! { "_id": id }).await?.map(Person::from))
}

/// The person whose (normalized) e-mail address is `email`.
pub async fn by_email(state: &AppState, email: &str) -> Result<Option<Person>, AppError> {
    Ok(store::users(&state.db).find_one(doc! { "email": email }).await?.map(Person::from))
}

/// The people with these account ids (at most 1,000), in no particular order.
pub async fn by_ids(state: &AppState, ids: &[&str]) -> Result<Vec<Person>, AppError> {
    let users: Vec<UserDoc> = store::users(&state.db).find(doc! { "_id": { "$in": ids } }).limit(1000).await?.try_collect().await?;
    Ok(users.into_iter().map(Person::from).collect())
}

/// "Chrome on Android", from a browser's user agent: how a device is named to its owner.
pub fn describe_device(user_agent: &str) -> String {
    store::describe_device(user_agent)
}
