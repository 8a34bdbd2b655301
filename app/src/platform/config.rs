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
    /// Largest media upload request in bytes (`MAX_UPLOAD_BYTES`); an image travels as a
    /// base64 `data:` URL, a third larger than the file.
    pub max_upload_bytes: usize,
    /// `json` for one JSON object per log line, `pretty` for people (`LOG_FORMAT`).
    pub log_json: bool,
    /// HMAC key for access tokens (`JWT_SECRET`, at least 32 bytes). When unset a random key
    /// is made at start: sessions then end on restart and replicas cannot share them.
    pub jwt_secret: Vec<u8>,
    pub jwt_secret_generated: bool,
    /// Lifetime of an access token (`ACCESS_TOKEN_TTL_SECS`, default 900).
    pub access_ttl: Duration,
    /// Lifetime of a session's refresh token (`REFRESH_TOKEN_TTL_DAYS`, default 30).
    pub refresh_ttl: Duration,
    /// A rotated refresh token presented again within this window is treated as a
    /// concurrent request rather than theft (`REFRESH_REUSE_GRACE_SECS`, default 10).
    pub refresh_reuse_grace: Duration,
    /// Cookies get `Secure` unless the app is served over plain http on localhost.
    pub cookie_secure: bool,
    /// Answers every server fn call with `X-Db-Round-Trips`: how many database commands it
    /// sent (`DB_ROUND_TRIPS_HEADER=1`; for tests and profiling, off by default).
    pub round_trips_header: bool,
    /// SMTP server for outgoing mail (`SMTP_URL`, e.g. `smtps://user:pass@smtp.example.com`).
    pub smtp_url: Option<String>,
    /// Sender of outgoing mail (`MAIL_FROM`).
    pub mail_from: String,
    /// The account with this verified e-mail becomes super_admin (`SUPER_ADMIN_EMAIL`).
    pub super_admin_email: Option<String>,
    /// Header that carries the client's IP when behind a trusted proxy (`CLIENT_IP_HEADER`,
    /// e.g. `x-forwarded-for`). Unset: the TCP peer address is used.
    pub client_ip_header: Option<String>,
    /// Sign in with Google (`GOOGLE_CLIENT_ID`, `GOOGLE_CLIENT_SECRET`, optional
    /// `GOOGLE_ISSUER`, `GOOGLE_AUTH_URL`, `GOOGLE_TOKEN_URL`, `GOOGLE_JWKS_URL`).
    /// `None`: the button is not offered.
    pub google: Option<OidcConfig>,
    /// Web push: the VAPID private key (`VAPID_PRIVATE_KEY`, base64url of the 32-byte P-256
    /// scalar). Unset: a key pair is created once and kept in the database.
    pub vapid_private_key: Option<String>,
    /// Contact for push services (`VAPID_SUBJECT`, a `mailto:` or `https:` URL). Default:
    /// `mailto:` with the address of `MAIL_FROM`.
    pub vapid_subject: String,
    /// Hosts push is sent to (`PUSH_ALLOWED_HOSTS`, comma-separated host suffixes). A
    /// subscription elsewhere is refused, so the server cannot be made to call arbitrary
    /// addresses. Default: the push services of Chrome, Firefox, Edge and Safari.
    pub push_allowed_hosts: Vec<String>,
    /// DNS-over-HTTPS resolver (JSON API) used to verify custom domains' TXT records.
    pub dns_resolver_url: String,
    /// Header a trusted proxy sets with the visitor's two-letter country (e.g. `cf-ipcountry`);
    /// without it, countries are "unknown".
    pub country_header: Option<String>,
    /// Stripe (M04): `STRIPE_SECRET_KEY`, `STRIPE_WEBHOOK_SECRET`, `STRIPE_API_BASE`
    /// (default https://api.stripe.com). `None` without a secret key: paid plans cannot be
    /// bought and the UI says so.
    pub stripe: Option<StripeConfig>,
    /// Days a workspace keeps its paid plan's limits after a failed payment
    /// (`BILLING_GRACE_DAYS`, default 7).
    pub billing_grace_days: u32,
    /// Bearer token that opens `/metrics` (`METRICS_TOKEN`, at least 16 characters).
    /// Unset: `/metrics` is not served at all (404).
    pub metrics_token: Option<String>,
    /// The shortest time a visitor may take between opening a public form and submitting
    /// it; quicker submissions are taken for a robot's and asked again.
    pub forms_min_fill: Duration,
    /// Whether webhooks may be sent to private, loopback and link-local addresses
    /// (`WEBHOOKS_ALLOW_PRIVATE=1`; for tests and self-hosted setups). Off: a webhook URL
    /// that names or resolves to one is refused, so workspaces cannot reach the server's
    /// own network through it.
    pub webhooks_allow_private: bool,
}

#[derive(Clone)]
pub struct StripeConfig {
    pub secret_key: String,
    /// Signing secret of the webhook endpoint (`whsec_…`). Unset: webhooks are refused.
    pub webhook_secret: Option<String>,
    /// Without a trailing slash, e.g. `https://api.stripe.com`.
    pub api_base: String,
}

impl std::fmt::Debug for StripeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeConfig").field("api_base", &self.api_base).field("webhook_secret", &self.webhook_secret.is_some()).finish_non_exhaustive()
    }
}

/// The push services browsers use today.
/// Cloudflare's DNS-over-HTTPS JSON endpoint.
pub const DEFAULT_DNS_RESOLVER: &str = "https://cloudflare-dns.com/dns-query";

pub const DEFAULT_PUSH_HOSTS: &str = "fcm.googleapis.com,push.services.mozilla.com,notify.windows.com,push.apple.com";

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
        let max_upload_bytes: usize = parse(&val, "MAX_UPLOAD_BYTES", "41943040", "must be a whole number of bytes")?;
        let log_json = match val("LOG_FORMAT").as_deref() {
            None | Some("pretty") => false,
            Some("json") => true,
            Some(_) => return Err(ConfigError { var: "LOG_FORMAT", problem: "must be json or pretty".into() }),
        };

        let (jwt_secret, jwt_secret_generated) = match val("JWT_SECRET") {
            Some(s) if s.len() >= 32 => (s.into_bytes(), false),
            Some(_) => return Err(ConfigError { var: "JWT_SECRET", problem: "must be at least 32 characters".into() }),
            None => {
                use rand::RngCore;
                let mut k = vec![0u8; 48];
                rand::rngs::OsRng.fill_bytes(&mut k);
                (k, true)
            }
        };
        let access_secs: u64 = parse(&val, "ACCESS_TOKEN_TTL_SECS", "900", "must be a whole number of seconds")?;
        let refresh_days: u64 = parse(&val, "REFRESH_TOKEN_TTL_DAYS", "30", "must be a whole number of days")?;
        let grace_secs: u64 = parse(&val, "REFRESH_REUSE_GRACE_SECS", "10", "must be a whole number of seconds")?;
        if !(5..=86_400).contains(&access_secs) {
            return Err(ConfigError { var: "ACCESS_TOKEN_TTL_SECS", problem: "must be between 5 and 86400".into() });
        }
        let local_http = public_url.starts_with("http://localhost") || public_url.starts_with("http://127.0.0.1") || public_url.starts_with("http://[::1]");
        let smtp_url = val("SMTP_URL");
        if let Some(u) = &smtp_url {
            if !(u.starts_with("smtp://") || u.starts_with("smtps://")) {
                return Err(ConfigError { var: "SMTP_URL", problem: "must start with smtp:// or smtps://".into() });
            }
        }
        let mail_from = val("MAIL_FROM").unwrap_or_else(|| "Mewayz <no-reply@localhost>".into());
        let super_admin_email = val("SUPER_ADMIN_EMAIL").map(|e| crate::validate::normalize_email(&e));
        let client_ip_header = val("CLIENT_IP_HEADER").map(|h| h.to_ascii_lowercase());

        let google = OidcConfig::from_lookup(val, &public_url).map_err(|problem| ConfigError { var: "GOOGLE_CLIENT_ID", problem })?;

        let vapid_private_key = val("VAPID_PRIVATE_KEY");
        if let Some(k) = &vapid_private_key {
            use base64::Engine as _;
            let ok = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(k.trim()).is_ok_and(|b| b.len() == 32);
            if !ok {
                return Err(ConfigError {
                    var: "VAPID_PRIVATE_KEY",
                    problem: "must be the base64url (unpadded) encoding of a 32-byte P-256 private key".into(),
                });
            }
        }
        let vapid_subject = val("VAPID_SUBJECT").unwrap_or_else(|| {
            let addr = mail_from.rsplit_once('<').map(|(_, a)| a.trim_end_matches('>')).unwrap_or(&mail_from).trim();
            format!("mailto:{addr}")
        });
        if !(vapid_subject.starts_with("mailto:") || vapid_subject.starts_with("https://")) {
            return Err(ConfigError { var: "VAPID_SUBJECT", problem: "must start with mailto: or https://".into() });
        }
        let push_allowed_hosts = val("PUSH_ALLOWED_HOSTS")
            .unwrap_or_else(|| DEFAULT_PUSH_HOSTS.into())
            .split(',')
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .collect();

        let dns_resolver_url = val("DNS_RESOLVER_URL").unwrap_or_else(|| DEFAULT_DNS_RESOLVER.into());
        if !(dns_resolver_url.starts_with("https://") || dns_resolver_url.starts_with("http://")) {
            return Err(ConfigError { var: "DNS_RESOLVER_URL", problem: "must be an http(s) URL of a DNS-over-HTTPS JSON resolver".into() });
        }
        let country_header = val("COUNTRY_HEADER").map(|h| h.trim().to_ascii_lowercase()).filter(|h| !h.is_empty());

        let stripe_api_base = val("STRIPE_API_BASE").unwrap_or_else(|| "https://api.stripe.com".into()).trim_end_matches('/').to_string();
        if !(stripe_api_base.starts_with("https://") || stripe_api_base.starts_with("http://")) {
            return Err(ConfigError { var: "STRIPE_API_BASE", problem: "must be an http(s) URL such as https://api.stripe.com".into() });
        }
        let stripe =
            val("STRIPE_SECRET_KEY").map(|secret_key| StripeConfig { secret_key, webhook_secret: val("STRIPE_WEBHOOK_SECRET"), api_base: stripe_api_base });
        let billing_grace_days: u32 = parse(&val, "BILLING_GRACE_DAYS", "7", "must be a whole number of days")?;
        if billing_grace_days > 90 {
            return Err(ConfigError { var: "BILLING_GRACE_DAYS", problem: "must be between 0 and 90".into() });
        }

        let metrics_token = val("METRICS_TOKEN");
        if metrics_token.as_ref().is_some_and(|t| t.len() < 16 || !t.bytes().all(|b| b.is_ascii_graphic())) {
            return Err(ConfigError { var: "METRICS_TOKEN", problem: "must be at least 16 visible ASCII characters without spaces".into() });
        }

        let forms_min_fill_ms: u64 = parse(&val, "FORMS_MIN_FILL_MS", "3000", "must be a whole number of milliseconds")?;
        if forms_min_fill_ms > 60_000 {
            return Err(ConfigError { var: "FORMS_MIN_FILL_MS", problem: "must be between 0 and 60000".into() });
        }

        Ok(Config {
            forms_min_fill: Duration::from_millis(forms_min_fill_ms),
            webhooks_allow_private: val("WEBHOOKS_ALLOW_PRIVATE").is_some_and(|v| v.trim() == "1"),
            metrics_token,
            stripe,
            billing_grace_days,
            dns_resolver_url,
            country_header,
            vapid_private_key,
            vapid_subject,
            push_allowed_hosts,
            google,
            jwt_secret,
            jwt_secret_generated,
            access_ttl: Duration::from_secs(access_secs),
            refresh_ttl: Duration::from_secs(refresh_days * 86_400),
            refresh_reuse_grace: Duration::from_secs(grace_secs),
            cookie_secure: !local_http,
            round_trips_header: val("DB_ROUND_TRIPS_HEADER").is_some_and(|v| v.trim() == "1"),
            smtp_url,
            mail_from,
            super_admin_email,
            client_ip_header,
            bind,
            mongodb_uri,
            mongodb_db,
            mongodb_timeout: Duration::from_millis(timeout_ms),
            dist_dir,
            public_url,
            max_body_bytes,
            max_upload_bytes,
            log_json,
        })
    }
}

fn parse<T: std::str::FromStr>(val: &impl Fn(&str) -> Option<String>, var: &'static str, default: &str, problem: &str) -> Result<T, ConfigError> {
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
    fn secrets_and_cookies() {
        assert_eq!(cfg(&[("JWT_SECRET", "short")]).unwrap_err().var, "JWT_SECRET");
        let c = cfg(&[]).unwrap();
        assert!(c.jwt_secret_generated && c.jwt_secret.len() >= 32);
        assert!(!c.cookie_secure, "plain-http localhost gets no Secure flag");
        assert!(cfg(&[("PUBLIC_URL", "https://app.example.com")]).unwrap().cookie_secure);
        assert!(cfg(&[("PUBLIC_URL", "http://10.0.0.5:3000")]).unwrap().cookie_secure);
        assert_eq!(cfg(&[("SMTP_URL", "mail.example.com")]).unwrap_err().var, "SMTP_URL");
        assert_eq!(cfg(&[("METRICS_TOKEN", "short")]).unwrap_err().var, "METRICS_TOKEN");
        assert_eq!(cfg(&[]).unwrap().metrics_token, None);
        assert_eq!(cfg(&[("METRICS_TOKEN", "0123456789abcdef")]).unwrap().metrics_token.as_deref(), Some("0123456789abcdef"));
    }

    #[test]
    fn public_url_follows_port_and_loses_trailing_slash() {
        assert_eq!(cfg(&[("PORT", "8080")]).unwrap().public_url, "http://127.0.0.1:8080");
        assert_eq!(cfg(&[("PUBLIC_URL", "https://mewayz.example/")]).unwrap().public_url, "https://mewayz.example");
    }
}

// ---------------------------------------------------------------- Google sign-in (OpenID Connect)

/// Google's issuer identifier (the value of `iss` in its ID tokens).
pub const GOOGLE_ISSUER: &str = "https://accounts.google.com";
/// Google also issues tokens whose `iss` is this scheme-less form.
pub const GOOGLE_ISSUER_NO_SCHEME: &str = "accounts.google.com";
/// Google's authorization endpoint.
pub const GOOGLE_AUTH_URL: &str = "https://accounts.google.com/o/oauth2/v2/auth";
/// Google's token endpoint.
pub const GOOGLE_TOKEN_URL: &str = "https://oauth2.googleapis.com/token";
/// Google's signing keys (JWKS).
pub const GOOGLE_JWKS_URL: &str = "https://www.googleapis.com/oauth2/v3/certs";
/// Path of the callback route, appended to the public URL to form `redirect_uri`.
pub const CALLBACK_PATH: &str = "/auth/google/callback";

/// Settings of the OpenID provider and of this app as its client.
///
/// Built from the environment by [`OidcConfig::from_lookup`]; tests build it
/// directly (see `fake_provider::FakeProvider::oidc_config`). Used by the accounts
/// module's Google sign-in; it lives here because it is read with the rest of the
/// configuration, at start.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcConfig {
    /// OAuth client id (`GOOGLE_CLIENT_ID`).
    pub client_id: String,
    /// OAuth client secret (`GOOGLE_CLIENT_SECRET`). Never logged: `Debug` redacts it.
    pub client_secret: String,
    /// Expected `iss` of ID tokens (`GOOGLE_ISSUER`).
    pub issuer: String,
    /// Where the browser is sent to log in (`GOOGLE_AUTH_URL`).
    pub authorization_endpoint: String,
    /// Where the code is exchanged (`GOOGLE_TOKEN_URL`).
    pub token_endpoint: String,
    /// Where the signing keys are published (`GOOGLE_JWKS_URL`).
    pub jwks_uri: String,
    /// This app's callback URL: public URL + [`CALLBACK_PATH`].
    pub redirect_uri: String,
}

impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("issuer", &self.issuer)
            .field("authorization_endpoint", &self.authorization_endpoint)
            .field("token_endpoint", &self.token_endpoint)
            .field("jwks_uri", &self.jwks_uri)
            .field("redirect_uri", &self.redirect_uri)
            .finish()
    }
}

impl OidcConfig {
    /// Reads the configuration through `get` (e.g. `|k| std::env::var(k).ok()`).
    ///
    /// * `Ok(None)`: neither `GOOGLE_CLIENT_ID` nor `GOOGLE_CLIENT_SECRET` is
    ///   set (or both are empty): Google sign-in is off.
    /// * `Err(msg)`: half-configured (one of the two is missing) or a URL is
    ///   invalid; `msg` names the variable and never contains the secret.
    /// * `Ok(Some(cfg))`: otherwise. `GOOGLE_ISSUER`, `GOOGLE_AUTH_URL`,
    ///   `GOOGLE_TOKEN_URL`, `GOOGLE_JWKS_URL` default to Google's endpoints.
    ///   `redirect_uri` is `public_url` (trailing `/` removed) + [`CALLBACK_PATH`].
    ///
    /// URLs must be `https`, except on loopback hosts (`127.0.0.1`, `[::1]`,
    /// `localhost`) so that local tests and development can use plain http.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>, public_url: &str) -> Result<Option<OidcConfig>, String> {
        let var = |name: &str| get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let client_id = var("GOOGLE_CLIENT_ID");
        let client_secret = var("GOOGLE_CLIENT_SECRET");
        let (client_id, client_secret) = match (client_id, client_secret) {
            (None, None) => return Ok(None),
            (Some(_), None) => return Err("GOOGLE_CLIENT_ID is set but GOOGLE_CLIENT_SECRET is missing".into()),
            (None, Some(_)) => return Err("GOOGLE_CLIENT_SECRET is set but GOOGLE_CLIENT_ID is missing".into()),
            (Some(id), Some(secret)) => (id, secret),
        };
        let url_var = |name: &str, default: &str| -> Result<String, String> {
            let value = var(name).unwrap_or_else(|| default.to_owned());
            check_url(&value).map_err(|why| format!("{name} is not a valid URL: {why}"))?;
            Ok(value)
        };
        let issuer = var("GOOGLE_ISSUER").unwrap_or_else(|| GOOGLE_ISSUER.to_owned());
        if issuer != GOOGLE_ISSUER {
            check_url(&issuer).map_err(|why| format!("GOOGLE_ISSUER is not a valid URL: {why}"))?;
        }
        let authorization_endpoint = url_var("GOOGLE_AUTH_URL", GOOGLE_AUTH_URL)?;
        let token_endpoint = url_var("GOOGLE_TOKEN_URL", GOOGLE_TOKEN_URL)?;
        let jwks_uri = url_var("GOOGLE_JWKS_URL", GOOGLE_JWKS_URL)?;
        let base = public_url.trim().trim_end_matches('/');
        let redirect_uri = format!("{base}{CALLBACK_PATH}");
        check_url(&redirect_uri).map_err(|why| format!("public URL is not a valid URL: {why}"))?;
        Ok(Some(OidcConfig { client_id, client_secret, issuer, authorization_endpoint, token_endpoint, jwks_uri, redirect_uri }))
    }

    /// The `iss` values accepted: the configured issuer, plus the
    /// scheme-less `accounts.google.com` when the issuer is Google's.
    pub fn accepted_issuers(&self) -> Vec<&str> {
        let mut issuers = vec![self.issuer.as_str()];
        if self.issuer == GOOGLE_ISSUER {
            issuers.push(GOOGLE_ISSUER_NO_SCHEME);
        }
        issuers
    }
}

/// Checks an absolute http(s) URL without query or fragment; plain http only
/// for loopback hosts.
fn check_url(value: &str) -> Result<(), String> {
    let url = reqwest::Url::parse(value).map_err(|e| e.to_string())?;
    if url.fragment().is_some() {
        return Err("must not have a fragment".into());
    }
    let loopback = matches!(url.host_str(), Some("127.0.0.1") | Some("[::1]") | Some("localhost"));
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        "http" => Err("must use https (plain http only for loopback hosts)".into()),
        other => Err(format!("unsupported scheme {other:?}")),
    }
}
