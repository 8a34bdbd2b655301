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
  mewayz-server promote EMAIL [ROLE]    give an account a platform role: super_admin (default), admin or user
  mewayz-server plans load FILE         load the plans, prices and limits (e.g. config/plans.json)
  mewayz-server plans list              show the plans stored in the database";

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
            let state = app::new_state(config, db);
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
        ["plans", "load", file] => {
            let json = match std::fs::read_to_string(file) {
                Ok(j) => j,
                Err(e) => {
                    eprintln!("cannot read {file}: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let Some(db) = connect(&config).await else { return ExitCode::FAILURE };
            match app::workspaces::plans::load_from_json(&db, &app::REGISTRY, &json).await {
                Ok(plans) => {
                    println!("Loaded {} plans from {file}:", plans.len());
                    print_plans(&plans);
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("nothing was changed: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        ["plans", "list"] => {
            let Some(db) = connect(&config).await else { return ExitCode::FAILURE };
            match app::workspaces::plans::all(&db).await {
                Ok(plans) if plans.is_empty() => {
                    println!("No plans are stored. Load them with: mewayz-server plans load config/plans.json");
                    ExitCode::SUCCESS
                }
                Ok(plans) => {
                    print_plans(&plans);
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

async fn connect(config: &Config) -> Option<app::platform::Db> {
    match app::platform::Db::connect(config).await {
        Ok(db) => Some(db),
        Err(e) => {
            eprintln!("cannot use MONGODB_URI: {e}");
            None
        }
    }
}

fn print_plans(plans: &[app::workspaces::plans::PlanDoc]) {
    use app::workspaces::format_price;
    for p in plans {
        let limits: Vec<String> = p.limits.iter().map(|(k, v)| format!("{k}={}", v.map(|n| n.to_string()).unwrap_or_else(|| "unlimited".into()))).collect();
        println!(
            "  {:<12} {:<12} {:>8}/month {:>9}/year  {}",
            p.id,
            p.name,
            format_price(p.monthly_price, &p.currency),
            format_price(p.yearly_price, &p.currency),
            limits.join(" ")
        );
    }
}
