use super::SystemStatus;
use crate::platform::db::IndexSpec;
use crate::platform::AppState;

pub fn indexes() -> Vec<IndexSpec> {
    Vec::new()
}

pub async fn status(state: &AppState) -> SystemStatus {
    SystemStatus {
        version: env!("CARGO_PKG_VERSION").to_string(),
        database_ready: state.check_ready().await.is_ok(),
        uptime_secs: state.started.elapsed().as_secs(),
    }
}
