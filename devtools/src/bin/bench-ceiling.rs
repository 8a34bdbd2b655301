//! `bench-ceiling`: the ceilings `bench/run.sh` measures the app against, on the same machine
//! and database, with the same wrk settings. Never deployed.
//!
//! - `GET /hello`: a bare axum route with no middleware at all;
//! - `GET /find`: exactly one `find_one` by `_id` on the database, nothing else;
//! - `POST /update`: exactly one `update_one` by `_id`.
//!
//! Usage: `bench-ceiling --port PORT --uri MONGODB_URI --db NAME`. It creates the one
//! document it reads and writes (`_id: "ceiling"` in collection `bench_ceiling`).

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use mongodb::bson::{doc, Document};
use mongodb::Collection;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

async fn hello() -> &'static str {
    "hello"
}

async fn find(State(c): State<Collection<Document>>) -> Result<Json<Document>, (axum::http::StatusCode, String)> {
    match c.find_one(doc! { "_id": "ceiling" }).await {
        Ok(Some(d)) => Ok(Json(d)),
        Ok(None) => Err((axum::http::StatusCode::NOT_FOUND, "missing".into())),
        Err(e) => Err((axum::http::StatusCode::SERVICE_UNAVAILABLE, e.to_string())),
    }
}

async fn update(State(c): State<Collection<Document>>) -> Result<&'static str, (axum::http::StatusCode, String)> {
    match c.update_one(doc! { "_id": "ceiling" }, doc! { "$inc": { "n": 1 } }).await {
        Ok(_) => Ok("ok"),
        Err(e) => Err((axum::http::StatusCode::SERVICE_UNAVAILABLE, e.to_string())),
    }
}

#[tokio::main]
async fn main() {
    let port: u16 = arg("--port").and_then(|p| p.parse().ok()).unwrap_or(0);
    let uri = arg("--uri").unwrap_or_else(|| "mongodb://127.0.0.1:27017/?retryWrites=false".into());
    let db = arg("--db").unwrap_or_else(|| "bench".into());
    let client = mongodb::Client::with_uri_str(&uri).await.expect("a MongoDB URI");
    let coll: Collection<Document> = client.database(&db).collection("bench_ceiling");
    coll.update_one(doc! { "_id": "ceiling" }, doc! { "$set": { "name": "ceiling", "n": 0 } }).upsert(true).await.expect("the database answers");
    let app = Router::new().route("/find", get(find)).route("/update", post(update)).with_state(coll).route("/hello", get(hello));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("bind");
    println!("listening on {}", listener.local_addr().unwrap());
    axum::serve(listener, app).await.expect("serve");
}
