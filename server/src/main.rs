use std::process::ExitCode;

use app::platform::Config;

#[tokio::main]
async fn main() -> ExitCode {
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("mewayz-server: {e}");
            return ExitCode::from(2);
        }
    };
    server::init_tracing(config.log_json);
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.is_empty() {
        return admin_command(config, &args).await;
    }
    let public_url = config.public_url.clone();
    match server::start(config, shutdown_signal()).await {
        Ok(running) => {
            tracing::info!(addr = %running.addr, url = %public_url, "Mewayz is listening");
            match running.wait().await {
                Ok(()) => {
                    tracing::info!("stopped cleanly");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    tracing::error!(error = %e, "server failed");
                    ExitCode::FAILURE
                }
            }
        }
        Err(e) => {
            tracing::error!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM; in-flight requests then finish before the server stops.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

const USAGE: &str = "usage:
  mewayz-server                         run the server
  mewayz-server promote EMAIL [ROLE]    give an account a platform role: super_admin (default), admin or user";

/// One-off administration commands, run against the configured database.
async fn admin_command(config: Config, args: &[String]) -> ExitCode {
    use app::accounts::PlatformRole;
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["promote", email, rest @ ..] if rest.len() <= 1 => {
            let role = match rest.first().copied().unwrap_or("super_admin") {
                "super_admin" => PlatformRole::SuperAdmin,
                "admin" => PlatformRole::Admin,
                "user" => PlatformRole::User,
                other => {
                    eprintln!("unknown role {other:?}\n{USAGE}");
                    return ExitCode::from(2);
                }
            };
            let db = match app::platform::Db::connect(&config).await {
                Ok(db) => db,
                Err(e) => {
                    eprintln!("cannot use MONGODB_URI: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let state = app::platform::AppState::new(config, db);
            match app::accounts::domain::set_platform_role(&state, email, role).await {
                Ok(()) => {
                    println!("{email} is now {role:?}. The change applies from their next sign-in or token refresh (at most 15 minutes).");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }
            }
        }
        ["--help" | "-h" | "help"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}
