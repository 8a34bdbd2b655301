//! `GET /api/forms/{workspace}/{form}/submissions.csv`: a form's submissions as a CSV
//! download, streamed from the database in batches (written with the `csv` crate, so commas,
//! quotes, line breaks and any Unicode survive), newest first, with the same status filter
//! as the list. One column per field of the published form, in order, then the draft's
//! fields that are not published yet ([`super::columns`]).
//!
//! A cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab
//! or a carriage return) is prefixed with `'`, so opening the file runs nothing.

use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use mongodb::bson::doc;

use super::store::{FormDoc, SubmissionDoc, FORMS, SUBMISSIONS};
use super::texts::FormsServerTexts;
use super::{SubmissionStatus, AREA};
use crate::error::AppError;
use crate::platform::http::error_response;
use crate::platform::{enter_workspace, AppState, Ctx, RequestMeta};
use crate::workspaces::Action;

/// Rows written per chunk of the response.
const BATCH: usize = 500;

#[derive(serde::Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    status: String,
}

/// Neutralises a cell a spreadsheet would take for a formula.
pub fn safe_cell(v: &str) -> std::borrow::Cow<'_, str> {
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{v}"))
    } else {
        std::borrow::Cow::Borrowed(v)
    }
}

fn rfc3339(t: mongodb::bson::DateTime) -> String {
    t.try_to_rfc3339_string().unwrap_or_default()
}

/// One submission as a CSV record.
pub fn record(d: &SubmissionDoc, cols: &[(String, String)]) -> Vec<String> {
    let t = FormsServerTexts::now();
    let mut row = vec![
        d.id.clone(),
        if d.status == SubmissionStatus::Complete { t.status_complete.to_string() } else { t.status_partial.to_string() },
        rfc3339(d.created_at),
        d.completed_at.map(rfc3339).unwrap_or_default(),
    ];
    for (id, _) in cols {
        let v = d.answers.get(id).map(|v| v.join("; ")).unwrap_or_default();
        row.push(safe_cell(&v).into_owned());
    }
    row
}

fn write_rows(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::with_capacity(rows.len() * 128));
    for r in rows {
        // Writing to a Vec cannot fail.
        let _ = w.write_record(r);
    }
    w.into_inner().unwrap_or_default()
}

async fn open(ctx: &Ctx, form: &str) -> Result<FormDoc, AppError> {
    ctx.require(AREA, Action::View)?;
    ctx.scoped::<FormDoc>(FORMS)?.find_one(doc! { "_id": form.trim() }).await?.ok_or_else(|| AppError::not_found(FormsServerTexts::now().nf_form))
}

pub async fn export(State(state): State<AppState>, Path((workspace, form)): Path<(String, String)>, Query(q): Query<ExportQuery>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    let meta = RequestMeta::from_parts(&parts, &state);
    let lang = crate::i18n::from_headers(&parts.headers);
    let prepared = crate::i18n::scope(lang, async {
        let mut ctx = (state.identity.resolve_user)(&state, meta).await?;
        enter_workspace(&mut ctx, &workspace).await?;
        let f = open(&ctx, &form).await?;
        let mut filter = doc! { "form_id": &f.id };
        match q.status.trim() {
            "" => {}
            s @ ("partial" | "complete") => {
                filter.insert("status", s);
            }
            _ => return Err(AppError::field("status", FormsServerTexts::now().err_status)),
        }
        let cursor = ctx.scoped::<SubmissionDoc>(SUBMISSIONS)?.stream(filter, doc! { "_id": -1 }).await?;
        Ok::<_, AppError>((f, cursor))
    })
    .await;
    let (f, cursor) = match prepared {
        Ok(p) => p,
        Err(e) => return error_response(e),
    };
    let cols = super::columns(f.published.as_ref(), &f.draft);
    let t = FormsServerTexts::of(lang);
    let mut header_row = vec![t.csv_id.to_string(), t.csv_status.to_string(), t.csv_created.to_string(), t.csv_completed.to_string()];
    header_row.extend(cols.iter().map(|(_, label)| safe_cell(label).into_owned()));
    let head = write_rows(&[header_row]);
    let mut bom = "\u{feff}".as_bytes().to_vec();
    bom.extend(head);
    let body_stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(bom) }).chain(cursor.chunks(BATCH).map(move |batch| {
        let rows: Vec<Vec<String>> = batch.into_iter().filter_map(Result::ok).map(|d| crate::i18n::sync_scope(lang, || record(&d, &cols))).collect();
        Ok::<_, std::io::Error>(write_rows(&rows))
    }));
    let date = mongodb::bson::DateTime::now().try_to_rfc3339_string().unwrap_or_default().get(..10).unwrap_or("export").to_string();
    let mut res = Body::from_stream(body_stream).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"form-{}-{date}.csv\"", f.slug)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}
