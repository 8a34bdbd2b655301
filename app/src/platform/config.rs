//! Typed configuration, read from the environment at run time. Never baked into the binary.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on (`HOST`, `PORT`).
    pub bind: SocketAddr,
    /// MongoDB connection string (`MONGODB_URI`).
    pub mongodb_uri: String,
    /// Database name (`MONGODB_DB`).
    pub mongodb_db: String,
    /// How long a database call may wait for a reachable server (`MONGODB_TIMEOUT_MS`).
    pub mongodb_timeout: Duration,
    /// Folder holding the built client (`DIST_DIR`).
    pub dist_dir: PathBuf,
    /// The address people use to reach this server (`PUBLIC_URL`), used in links.
    pub public_url: String,
    /// Largest accepted request body in bytes (`MAX_BODY_BYTES`).
    pub max_body_bytes: usize,
    /// `json` for one JSON object per log line, `pretty` for people (`LOG_FORMAT`).
    pub log_json: bool,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("configuration: {var} {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads configuration through `get`, so tests can pass their own values.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let val = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());

        let host: IpAddr = parse(&val, "HOST", "127.0.0.1", "must be an IP address such as 127.0.0.1 or 0.0.0.0")?;
        let port: u16 = parse(&val, "PORT", "3000", "must be a port number between 0 and 65535")?;
        let bind = SocketAddr::new(host, port);

        let mongodb_uri = val("MONGODB_URI").unwrap_or_else(|| "mongodb://127.0.0.1:27017/?retryWrites=false".into());
        if !(mongodb_uri.starts_with("mongodb://") || mongodb_uri.starts_with("mongodb+srv://")) {
            return Err(ConfigError { var: "MONGODB_URI", problem: "must start with mongodb:// or mongodb+srv://".into() });
        }
        let mongodb_db = val("MONGODB_DB").unwrap_or_else(|| "mewayz".into());
        if mongodb_db.is_empty() || mongodb_db.len() > 63 || mongodb_db.contains(['/', '\\', '.', ' ', '"', '$']) {
            return Err(ConfigError { var: "MONGODB_DB", problem: "must be 1-63 characters without / \\ . space \" or $".into() });
        }
        let timeout_ms: u64 = parse(&val, "MONGODB_TIMEOUT_MS", "1500", "must be a whole number of milliseconds")?;
        if !(100..=60_000).contains(&timeout_ms) {
            return Err(ConfigError { var: "MONGODB_TIMEOUT_MS", problem: "must be between 100 and 60000".into() });
        }

        let dist_dir = PathBuf::from(val("DIST_DIR").unwrap_or_else(|| "dist".into()));
        let public_url = val("PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{}:{}", if host.is_unspecified() { "127.0.0.1".to_string() } else { host.to_string() }, port))
            .trim_end_matches('/')
            .to_string();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError { var: "PUBLIC_URL", problem: "must start with http:// or https://".into() });
        }
        let max_body_bytes: usize = parse(&val, "MAX_BODY_BYTES", "2097152", "must be a whole number of bytes")?;
        let log_json = match val("LOG_FORMAT").as_deref() {
            None | Some("pretty") => false,
            Some("json") => true,
            Some(_) => return Err(ConfigError { var: "LOG_FORMAT", problem: "must be json or pretty".into() }),
        };

        Ok(Config {
            bind,
            mongodb_uri,
            mongodb_db,
            mongodb_timeout: Duration::from_millis(timeout_ms),
            dist_dir,
            public_url,
            max_body_bytes,
            log_json,
        })
    }
}

fn parse<T: std::str::FromStr>(
    val: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: &str,
    problem: &str,
) -> Result<T, ConfigError> {
    let raw = val(var).unwrap_or_else(|| default.to_string());
    raw.parse().map_err(|_| ConfigError { var, problem: format!("{problem} (got {raw:?})") })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let m: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| m.get(k).cloned())
    }

    #[test]
    fn defaults_are_local_and_safe() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(c.mongodb_db, "mewayz");
        assert_eq!(c.public_url, "http://127.0.0.1:3000");
        assert!(!c.log_json);
    }

    #[test]
    fn bad_values_name_the_variable() {
        assert_eq!(cfg(&[("PORT", "http")]).unwrap_err().var, "PORT");
        assert_eq!(cfg(&[("MONGODB_URI", "postgres://x")]).unwrap_err().var, "MONGODB_URI");
        assert_eq!(cfg(&[("MONGODB_DB", "a.b")]).unwrap_err().var, "MONGODB_DB");
        assert_eq!(cfg(&[("LOG_FORMAT", "xml")]).unwrap_err().var, "LOG_FORMAT");
        assert_eq!(cfg(&[("MONGODB_TIMEOUT_MS", "5")]).unwrap_err().var, "MONGODB_TIMEOUT_MS");
    }

    #[test]
    fn public_url_follows_port_and_loses_trailing_slash() {
        assert_eq!(cfg(&[("PORT", "8080")]).unwrap().public_url, "http://127.0.0.1:8080");
        assert_eq!(cfg(&[("PUBLIC_URL", "https://mewayz.example/")]).unwrap().public_url, "https://mewayz.example");
    }
}
