//! M21 rules and storage: uploads, resized variants, the library listing and deletion.
//!
//! Storage layout:
//! - the metadata of each file is one document of [`MEDIA`] (workspace-scoped, so it is
//!   exported and deleted with the workspace like any other workspace record);
//! - the bytes live in the GridFS bucket [`BUCKET`] (`media_files.files` and
//!   `media_files.chunks`): the original and one resized copy per width of
//!   [`VARIANT_WIDTHS`] that is narrower than the original (never upscaled). Each GridFS
//!   file carries `metadata.workspace_id` and `metadata.media_id`, so the files of a
//!   workspace can be found and removed when it is deleted ([`delete_all_files`]).
//!
//! Storage accounting: `storage_used_bytes` on the workspace counts everything stored, the
//! original plus every variant (`stored_bytes` of the metadata document); it grows on
//! upload and shrinks by the same amount on delete.

use std::io::Cursor;

use futures_util::io::{AsyncReadExt, AsyncWriteExt};
use futures_util::TryStreamExt;
use mongodb::bson::{doc, Bson, DateTime};
use mongodb::gridfs::GridFsBucket;
use serde::{Deserialize, Serialize};

use super::texts::MediaTexts;
use super::{MediaFile, MediaLibrary, AREA, VARIANT_WIDTHS};
use crate::error::AppError;
use crate::i18n::fill;
use crate::platform::db::{internal, IndexSpec};
use crate::platform::{crypto, AppState, Ctx, Db};
use crate::workspaces::domain::{audit, load_workspace};
use crate::workspaces::{plans, Action};

/// The metadata collection (workspace-scoped).
pub const MEDIA: &str = "media";
/// The GridFS bucket holding the bytes.
pub const BUCKET: &str = "media_files";
/// The longest file name kept, in characters.
pub const NAME_MAX_CHARS: usize = 120;
/// Images wider or taller than this are refused (a guard against decompression bombs).
pub const MAX_DIMENSION: u32 = 8000;
/// The most memory one decode may take.
const MAX_DECODE_ALLOC: u64 = 512 * 1024 * 1024;
const MB: i64 = 1024 * 1024;

pub const SCOPED_COLLECTIONS: &[&str] = &[MEDIA];

pub fn indexes() -> Vec<IndexSpec> {
    vec![
        IndexSpec::new(MEDIA, "by_workspace", doc! { "workspace_id": 1, "created_at": -1 }),
        IndexSpec::new("media_files.files", "by_workspace", doc! { "metadata.workspace_id": 1 }),
    ]
}

/// One stored copy of a file: the original or a resized variant.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VariantDoc {
    /// `"original"` or a width such as `"480"`.
    pub name: String,
    /// The GridFS file id.
    pub file_id: String,
    pub content_type: String,
    pub bytes: i64,
    pub width: u32,
    pub height: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MediaDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub content_type: String,
    /// Size of the original.
    pub bytes: i64,
    /// Size of everything stored for this file (original plus variants).
    pub stored_bytes: i64,
    pub width: u32,
    pub height: u32,
    pub variants: Vec<VariantDoc>,
    pub uploaded_by: String,
    pub created_at: DateTime,
}

impl MediaDoc {
    fn to_file(&self) -> MediaFile {
        MediaFile {
            id: self.id.clone(),
            name: self.name.clone(),
            content_type: self.content_type.clone(),
            bytes: self.bytes.max(0) as u64,
            width: self.width,
            height: self.height,
            created_at: self.created_at.timestamp_millis(),
        }
    }

    /// The stored copy for `variant` (`"original"` or a width). A width the image was too
    /// narrow to be resized to is served by the original.
    pub fn variant(&self, variant: &str) -> Option<&VariantDoc> {
        if variant == "original" {
            return self.variants.iter().find(|v| v.name == "original");
        }
        let w: u32 = variant.parse().ok()?;
        if !VARIANT_WIDTHS.contains(&w) || variant != w.to_string() {
            return None;
        }
        self.variants.iter().find(|v| v.name == variant).or_else(|| self.variants.iter().find(|v| v.name == "original"))
    }
}

fn bucket(db: &Db) -> GridFsBucket {
    db.bucket(BUCKET)
}

// ---------------------------------------------------------------- checks on the input

/// The image type, from the first bytes of the content (never from the name).
pub fn sniff(bytes: &[u8]) -> Option<(&'static str, image::ImageFormat)> {
    if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a]) {
        Some(("image/png", image::ImageFormat::Png))
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some(("image/jpeg", image::ImageFormat::Jpeg))
    } else if bytes.len() > 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(("image/webp", image::ImageFormat::WebP))
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(("image/gif", image::ImageFormat::Gif))
    } else {
        None
    }
}

/// A file name safe to store and show: the last path segment only, no control characters,
/// no leading dots, trimmed, at most [`NAME_MAX_CHARS`] characters (the extension is kept).
pub fn clean_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let no_ctrl: String =
        last.chars().filter(|c| !c.is_control() && !matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')).collect();
    // Dots and spaces together: ". .x" must not keep its dot (found by fuzz/media_name).
    let trimmed = no_ctrl.trim_start_matches(|c: char| c == '.' || c.is_whitespace()).trim_end();
    let mut name: String = trimmed.to_string();
    if name.chars().count() > NAME_MAX_CHARS {
        let ext: String = match name.rsplit_once('.') {
            Some((_, e)) if !e.is_empty() && e.chars().count() <= 8 => format!(".{e}"),
            _ => String::new(),
        };
        let keep = NAME_MAX_CHARS - ext.chars().count();
        name = name.chars().take(keep).collect::<String>().trim_end().to_string() + &ext;
    }
    if name.is_empty() {
        "image".to_string()
    } else {
        name
    }
}

fn not_an_image() -> AppError {
    AppError::field("file", MediaTexts::now().err_not_an_image)
}

/// Decodes the bytes of a data URL (`data:…;base64,…`).
fn decode_data_url(data: &str) -> Result<Vec<u8>, AppError> {
    use base64::Engine as _;
    let b64 = data.trim().split_once(";base64,").map(|(_, b)| b).ok_or_else(not_an_image)?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64.trim()).map_err(|_| not_an_image())?;
    if bytes.is_empty() {
        return Err(AppError::field("file", MediaTexts::now().err_empty));
    }
    Ok(bytes)
}

/// What decoding and resizing produced: the original's size and the encoded variants.
struct Processed {
    width: u32,
    height: u32,
    /// (width, content type, bytes, height)
    variants: Vec<(u32, &'static str, Vec<u8>, u32)>,
}

/// Decodes the image (within [`MAX_DIMENSION`]) and makes the resized variants. CPU-bound:
/// run on a blocking thread.
fn process(bytes: &[u8], format: image::ImageFormat) -> Result<Processed, AppError> {
    use image::ImageDecoder as _;
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let too_big = || AppError::field("file", fill(MediaTexts::now().err_too_many_pixels, &[("max", &MAX_DIMENSION)]));
    let mut decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => too_big(),
        _ => not_an_image(),
    })?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = image::DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => too_big(),
        _ => not_an_image(),
    })?;
    img.apply_orientation(orientation);
    let (width, height) = (img.width(), img.height());
    if width == 0 || height == 0 {
        return Err(not_an_image());
    }
    let mut variants = vec![];
    // An animated GIF or WebP keeps its animation: resizing would keep only the first frame,
    // so the original serves every width.
    if is_animated(bytes, format) {
        return Ok(Processed { width, height, variants });
    }
    for &w in VARIANT_WIDTHS {
        if w >= width {
            continue; // never upscaled: the original serves this width
        }
        let h = ((height as u64 * w as u64 + width as u64 / 2) / width as u64).max(1) as u32;
        let small = img.resize_exact(w, h, image::imageops::FilterType::CatmullRom);
        let mut out = Cursor::new(Vec::new());
        let content_type = if format == image::ImageFormat::Jpeg {
            let rgb = image::DynamicImage::ImageRgb8(small.to_rgb8());
            rgb.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82)).map_err(|e| internal("encode jpeg variant", &e))?;
            "image/jpeg"
        } else {
            small.write_to(&mut out, image::ImageFormat::Png).map_err(|e| internal("encode png variant", &e))?;
            "image/png"
        };
        variants.push((w, content_type, out.into_inner(), h));
    }
    Ok(Processed { width, height, variants })
}

/// Whether a GIF or WebP has more than one frame. Called after the first frame decoded
/// within the limits, so the canvas is known to be within them.
fn is_animated(bytes: &[u8], format: image::ImageFormat) -> bool {
    use image::AnimationDecoder as _;
    match format {
        image::ImageFormat::Gif => {
            image::codecs::gif::GifDecoder::new(Cursor::new(bytes)).map(|d| d.into_frames().take(2).filter(|f| f.is_ok()).count() == 2).unwrap_or(false)
        }
        image::ImageFormat::WebP => image::codecs::webp::WebPDecoder::new(Cursor::new(bytes)).map(|d| d.has_animation()).unwrap_or(false),
        _ => false,
    }
}

fn mb_ceil(bytes: i64) -> i64 {
    (bytes + MB - 1) / MB
}

async fn plan_max_file_bytes(db: &Db, plan: &str) -> Result<(Option<i64>, Option<i64>), AppError> {
    let p = plans::find(db, plan).await?;
    Ok(match p {
        Some(p) => (p.limit(crate::media::UPLOAD_LIMIT.key).map(|m| m * MB), p.limit(crate::media::STORAGE_LIMIT.key).map(|m| m * MB)),
        None => (None, None),
    })
}

// ---------------------------------------------------------------- the operations

/// The library of this workspace, newest first, with the storage use and limits.
pub async fn list(ctx: &Ctx) -> Result<MediaLibrary, AppError> {
    ctx.require(AREA, Action::View)?;
    let w = load_workspace(ctx).await?;
    let docs = ctx.scoped::<MediaDoc>(MEDIA)?.find(doc! {}, doc! { "created_at": -1, "_id": 1 }, 5000).await?;
    let (max_file, storage) = plan_max_file_bytes(ctx.db(), &w.plan).await?;
    Ok(MediaLibrary {
        files: docs.iter().map(MediaDoc::to_file).collect(),
        used_bytes: w.storage_used_bytes.max(0) as u64,
        limit_bytes: storage.map(|b| b.max(0) as u64),
        max_file_bytes: max_file.map(|b| b.max(0) as u64).unwrap_or(u64::MAX),
    })
}

/// Stores a new image from a `data:` URL (what the browser's file reader produces).
/// Nothing is stored unless the upload is an image within the plan's limits.
pub async fn upload(ctx: &Ctx, name: String, data: String) -> Result<MediaFile, AppError> {
    ctx.require(AREA, Action::Edit)?;
    let name = clean_name(&name);
    let bytes = decode_data_url(&data)?;
    drop(data);
    let (content_type, format) = sniff(&bytes).ok_or_else(not_an_image)?;
    plans::check(ctx, crate::media::UPLOAD_LIMIT.key, mb_ceil(bytes.len() as i64)).await?;
    let workspace_id = ctx.workspace_id()?.to_string();

    let bytes = std::sync::Arc::new(bytes);
    let for_decode = bytes.clone();
    // The blocking thread does not see the request's task-local language: hand it over.
    let lang = crate::i18n::lang();
    let processed = tokio::task::spawn_blocking(move || crate::i18n::sync_scope(lang, || process(&for_decode, format)))
        .await
        .map_err(|e| internal("image processing task", &e))??;

    let stored_bytes: i64 = bytes.len() as i64 + processed.variants.iter().map(|v| v.2.len() as i64).sum::<i64>();
    plans::reserve_storage(ctx, stored_bytes).await?;

    let id = crypto::new_id();
    let b = bucket(ctx.db());
    let mut variants: Vec<VariantDoc> = vec![];
    let stored = async {
        let file_id = put(&b, &workspace_id, &id, "original", &bytes).await?;
        variants.push(VariantDoc {
            name: "original".into(),
            file_id,
            content_type: content_type.into(),
            bytes: bytes.len() as i64,
            width: processed.width,
            height: processed.height,
        });
        for (vw, ct, data, vh) in &processed.variants {
            let file_id = put(&b, &workspace_id, &id, &vw.to_string(), data).await?;
            variants.push(VariantDoc { name: vw.to_string(), file_id, content_type: (*ct).into(), bytes: data.len() as i64, width: *vw, height: *vh });
        }
        let media = MediaDoc {
            id: id.clone(),
            workspace_id: workspace_id.clone(),
            name: name.clone(),
            content_type: content_type.into(),
            bytes: bytes.len() as i64,
            stored_bytes,
            width: processed.width,
            height: processed.height,
            variants: variants.clone(),
            uploaded_by: ctx.user_id.clone(),
            created_at: DateTime::now(),
        };
        ctx.scoped::<MediaDoc>(MEDIA)?.insert_one(&media).await?;
        Ok::<MediaDoc, AppError>(media)
    }
    .await;
    let media = match stored {
        Ok(m) => m,
        Err(e) => {
            // Leave nothing half-stored behind, and give the reserved room back.
            let _ = remove_gridfs_of(&b, &workspace_id, &id).await;
            let _ = crate::workspaces::plans::release_storage(ctx, stored_bytes).await;
            return Err(e);
        }
    };
    audit(ctx, "media_uploaded", format!("Uploaded the image {}", media.name)).await;
    Ok(media.to_file())
}

/// Stores one GridFS file and returns its id.
async fn put(b: &GridFsBucket, workspace_id: &str, media_id: &str, variant: &str, data: &[u8]) -> Result<String, AppError> {
    let file_id = crypto::new_id();
    let mut stream = b
        .open_upload_stream(format!("{media_id}/{variant}"))
        .id(Bson::String(file_id.clone()))
        .metadata(doc! { "workspace_id": workspace_id, "media_id": media_id, "variant": variant })
        .await?;
    if let Err(e) = stream.write_all(data).await {
        let _ = stream.abort().await;
        return Err(internal("gridfs write", &e));
    }
    stream.close().await.map_err(|e| internal("gridfs close", &e))?;
    Ok(file_id)
}

/// Removes every GridFS file of one media file of one workspace.
async fn remove_gridfs_of(b: &GridFsBucket, workspace_id: &str, media_id: &str) -> Result<(), AppError> {
    let files: Vec<_> = b.find(doc! { "metadata.workspace_id": workspace_id, "metadata.media_id": media_id }).await?.try_collect().await?;
    for f in files {
        b.delete(f.id).await?;
    }
    Ok(())
}

/// Deletes a file, unless something still uses it (then the error says where).
pub async fn delete(ctx: &Ctx, id: String) -> Result<MediaLibrary, AppError> {
    ctx.require(AREA, Action::Edit)?;
    let media = ctx.scoped::<MediaDoc>(MEDIA)?;
    let found = media.find_one(doc! { "_id": &id }).await?.ok_or_else(|| AppError::not_found(MediaTexts::now().nf_image))?;
    let uses = crate::bio::domain::media_usage(ctx, &found.id).await?;
    if !uses.is_empty() {
        return Err(AppError::field("file", fill(MediaTexts::now().err_in_use, &[("name", &found.name), ("uses", &uses.join("; "))])));
    }
    let workspace_id = media.workspace_id().to_string();
    if media.delete_one(doc! { "_id": &found.id }).await? == 1 {
        remove_gridfs_of(&bucket(ctx.db()), &workspace_id, &found.id).await?;
        crate::workspaces::plans::release_storage(ctx, found.stored_bytes).await?;
        audit(ctx, "media_deleted", format!("Deleted the image {}", found.name)).await;
    }
    list(ctx).await
}

/// Removes every GridFS file of a deleted workspace (its metadata documents went with the
/// other scoped collections). Safe to run again.
pub fn delete_all_files<'a>(state: &'a AppState, workspace_id: &'a str) -> crate::platform::BoxFut<'a, Result<(), AppError>> {
    Box::pin(async move {
        let b = bucket(&state.db);
        let files: Vec<_> = b.find(doc! { "metadata.workspace_id": workspace_id }).await?.try_collect().await?;
        for f in files {
            b.delete(f.id).await?;
        }
        Ok(())
    })
}

/// How many files the workspace's library holds.
pub async fn count_files(ctx: &Ctx) -> Result<u64, AppError> {
    ctx.scoped::<mongodb::bson::Document>(MEDIA)?.count(doc! {}).await
}

/// The workspace's storage in MB (rounded up), as the storage limit counts it.
pub fn storage_mb(ctx: &Ctx) -> crate::platform::BoxFut<'_, Result<i64, AppError>> {
    Box::pin(async move {
        let w = crate::workspaces::domain::load_workspace(ctx).await?;
        Ok(mb_ceil(w.storage_used_bytes.max(0)))
    })
}

/// A variant's bytes for the public `/files/{id}/{variant}` route: (content type, bytes).
/// Files are public by design (they appear on public pages); the id is an unguessable
/// random id, and nothing here lists a workspace's files.
pub async fn file(state: &AppState, id: &str, variant: &str) -> Result<Option<(String, Vec<u8>)>, AppError> {
    if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Ok(None);
    }
    let Some(doc) = state.global::<MediaDoc>(MEDIA).find_one(doc! { "_id": id }).await? else {
        return Ok(None);
    };
    let Some(v) = doc.variant(variant) else {
        return Ok(None);
    };
    let b = bucket(&state.db);
    let mut stream = match b.open_download_stream(Bson::String(v.file_id.clone())).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(media = id, variant, error = %e, "media file bytes missing");
            return Ok(None);
        }
    };
    let mut out = Vec::with_capacity(v.bytes.max(0) as usize);
    stream.read_to_end(&mut out).await.map_err(|e| internal("gridfs read", &e))?;
    Ok(Some((v.content_type.clone(), out)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_paths_and_control_characters() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("..\\..\\boot.ini"), "boot.ini");
        assert_eq!(clean_name("a\u{0}b\nc.png"), "abc.png");
        assert_eq!(clean_name("..."), "image");
        assert_eq!(clean_name(".hidden.png"), "hidden.png");
        assert_eq!(clean_name(". .hidden"), "hidden");
        assert_eq!(clean_name(" . . .x.png "), "x.png");
        let long = format!("{}.jpeg", "x".repeat(300));
        let c = clean_name(&long);
        assert_eq!(c.chars().count(), NAME_MAX_CHARS);
        assert!(c.ends_with(".jpeg"));
    }

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(sniff(b"GIF89a....").map(|s| s.0), Some("image/gif"));
        assert_eq!(sniff(b"<html><script>").map(|s| s.0), None);
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ").map(|s| s.0), Some("image/webp"));
    }
}
