//! M21 media library, over real HTTP against the real database wire server: uploads sniffed
//! by their bytes and decoded, resized variants served with long cache headers, plan limits,
//! cleaned names, deletion that frees storage and refuses files still in use, workspace
//! deletion removing the GridFS files, and the cross-workspace probe.

mod common;

use std::io::Cursor;

use app::media::api::ENDPOINTS;
use app::media::{MediaFile, MediaLibrary};
use app::workspaces::WorkspaceDetail;
use app::AppError;
use base64::Engine as _;
use common::probe::{self, Fixture, ModuleSpec, PNG_DATA_URL};
use common::web::*;
use mongodb::bson::{doc, Document};

// ---------------------------------------------------------------- helpers

fn encode(img: image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn gradient(w: u32, h: u32) -> image::DynamicImage {
    image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])))
}

/// An image of random pixels: it barely compresses, so its size is about w×h×3 bytes.
fn noise(w: u32, h: u32) -> image::DynamicImage {
    let mut seed: u32 = 0x9e37_79b9;
    image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |_, _| {
        let mut px = [0u8; 3];
        for p in &mut px {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            *p = seed as u8;
        }
        image::Rgb(px)
    }))
}

fn png(w: u32, h: u32) -> Vec<u8> {
    encode(gradient(w, h), image::ImageFormat::Png)
}

fn jpeg(w: u32, h: u32) -> Vec<u8> {
    encode(gradient(w, h), image::ImageFormat::Jpeg)
}

fn gif(w: u32, h: u32) -> Vec<u8> {
    let rgba = image::DynamicImage::ImageRgba8(gradient(w, h).to_rgba8());
    encode(rgba, image::ImageFormat::Gif)
}

/// A GIF of two frames (the second one inverted), looping.
fn animated_gif(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = image::codecs::gif::GifEncoder::new(&mut out);
        enc.set_repeat(image::codecs::gif::Repeat::Infinite).unwrap();
        let first = gradient(w, h).to_rgba8();
        let mut second = first.clone();
        image::imageops::invert(&mut second);
        for f in [first, second] {
            enc.encode_frame(image::Frame::new(f)).unwrap();
        }
    }
    out
}

/// What the browser's file reader hands over. The browser names the type from the file
/// name, so a lie there is passed on as it is.
fn data_url(claimed_type: &str, bytes: &[u8]) -> String {
    format!("data:{claimed_type};base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// A server with the default plans, and an owner with a workspace.
async fn setup(name: &str) -> (Env, Browser, WorkspaceDetail) {
    let env = start(name, &[]).await;
    env.load_default_plans().await;
    let owner = person(&env, "Ana Owner", "ana@example.com").await;
    let w: WorkspaceDetail = owner.ok("create_workspace", &[("name", "Ana Studio"), ("kind", "shop")]).await;
    (env, owner, w)
}

async fn upload(b: &Browser, ws: &str, name: &str, claimed_type: &str, bytes: &[u8]) -> MediaFile {
    b.ok("upload_media", &[("workspace", ws), ("name", name), ("data", &data_url(claimed_type, bytes))]).await
}

async fn library(b: &Browser, ws: &str) -> MediaLibrary {
    b.ok("list_media", &[("workspace", ws)]).await
}

/// How many documents the metadata collection and the GridFS collections hold.
async fn stored(env: &Env) -> (u64, u64, u64) {
    (env.count("media", doc! {}).await, env.count("media_files.files", doc! {}).await, env.count("media_files.chunks", doc! {}).await)
}

/// The total length of the GridFS files of a workspace.
async fn gridfs_bytes(env: &Env, ws: &str) -> i64 {
    let db = env.srv.db().await;
    let mut cursor = db.collection::<Document>("media_files.files").find(doc! { "metadata.workspace_id": ws }).await.unwrap();
    let mut total = 0;
    while cursor.advance().await.unwrap() {
        let d: Document = cursor.deserialize_current().unwrap();
        total += d.get_i64("length").unwrap_or_else(|_| d.get_i32("length").map(i64::from).unwrap());
    }
    total
}

async fn storage_used(env: &Env, ws: &str) -> i64 {
    let d = env.srv.db().await.collection::<Document>("workspaces").find_one(doc! { "_id": ws }).await.unwrap().unwrap();
    d.get_i64("storage_used_bytes").unwrap_or_else(|_| d.get_i32("storage_used_bytes").map(i64::from).unwrap_or(0))
}

/// GETs a file and checks the headers every file carries. Returns (content type, bytes).
async fn fetch(b: &Browser, path: &str) -> (String, Vec<u8>) {
    let res = b.get(path).await;
    assert_eq!(res.status(), 200, "GET {path}");
    let h = res.headers().clone();
    assert_eq!(h["cache-control"], "public, max-age=31536000, immutable", "GET {path}");
    assert_eq!(h["x-content-type-options"], "nosniff", "GET {path}");
    let ct = h["content-type"].to_str().unwrap().to_string();
    (ct, res.bytes().await.unwrap().to_vec())
}

fn dimensions(bytes: &[u8]) -> (u32, u32) {
    let img = image::ImageReader::new(Cursor::new(bytes)).with_guessed_format().unwrap().decode().unwrap();
    (img.width(), img.height())
}

// ---------------------------------------------------------------- uploads and variants

#[tokio::test]
async fn png_and_jpeg_uploads_get_resized_variants_served_with_long_cache_headers() {
    let (env, owner, w) = setup("media_variants").await;
    let anon = env.browser();

    let original = png(1200, 600);
    let f = upload(&owner, &w.id, "wide.png", "image/png", &original).await;
    assert_eq!((f.name.as_str(), f.content_type.as_str(), f.width, f.height, f.bytes), ("wide.png", "image/png", 1200, 600, original.len() as u64));
    // Public (they appear on public pages): no session needed.
    let (ct, bytes) = fetch(&anon, &f.url(None)).await;
    assert_eq!(ct, "image/png");
    assert_eq!(bytes, original, "the original is served byte for byte");
    for &vw in app::media::VARIANT_WIDTHS {
        let (ct, bytes) = fetch(&anon, &f.url(Some(vw))).await;
        assert_eq!(ct, "image/png", "variant {vw}");
        assert_eq!(dimensions(&bytes), (vw, vw / 2), "variant {vw} keeps the aspect ratio");
    }

    // A small JPEG: a 160 variant, but nothing is upscaled; wider variants serve the original.
    let small = jpeg(300, 200);
    let j = upload(&owner, &w.id, "small.jpg", "image/jpeg", &small).await;
    assert_eq!((j.content_type.as_str(), j.width, j.height), ("image/jpeg", 300, 200));
    let (ct, bytes) = fetch(&anon, &j.url(Some(160))).await;
    assert_eq!(ct, "image/jpeg");
    assert_eq!(dimensions(&bytes), (160, 107));
    for vw in [480, 1080] {
        let (ct, bytes) = fetch(&anon, &j.url(Some(vw))).await;
        assert_eq!(ct, "image/jpeg");
        assert_eq!(bytes, small, "variant {vw} of a 300 px image is the original, not an upscale");
    }

    // Unknown ids and variants: 404, never cached.
    for path in [
        format!("/files/{}/999", f.id),
        format!("/files/{}/thumb", f.id),
        "/files/0123456789abcdef0123456789abcdef/original".to_string(),
        format!("/files/{}/original", w.id),
    ] {
        let res = anon.get(&path).await;
        assert_eq!(res.status(), 404, "GET {path}");
        assert_eq!(res.headers()["cache-control"], "no-store", "GET {path}");
    }

    // The library lists both, newest first, and the storage counts everything stored.
    let lib = library(&owner, &w.id).await;
    assert_eq!(lib.files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["small.jpg", "wide.png"]);
    assert_eq!(lib.max_file_bytes, 5 * 1024 * 1024);
    assert_eq!(lib.limit_bytes, Some(500 * 1024 * 1024));
    let on_disk = gridfs_bytes(&env, &w.id).await;
    assert!(on_disk > (original.len() + small.len()) as i64, "variants are stored too");
    assert_eq!(lib.used_bytes as i64, on_disk);
    assert_eq!(storage_used(&env, &w.id).await, on_disk);
    // Original + 3 variants, original + 1 variant.
    assert_eq!(env.count("media_files.files", doc! { "metadata.workspace_id": &w.id }).await, 6);
}

#[tokio::test]
async fn the_type_comes_from_the_bytes_and_names_are_cleaned() {
    let (env, owner, w) = setup("media_sniff").await;

    // Text or HTML named .png: refused on the file field, and nothing is stored.
    for (name, bytes) in [
        ("evil.png", b"<html><body><script>alert(document.cookie)</script></body></html>".to_vec()),
        ("evil.png", b"just some text".to_vec()),
        // PNG magic bytes followed by garbage: the decoder catches it.
        ("broken.png", [&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a][..], &[7u8; 200][..]].concat()),
    ] {
        let e = owner.fails("upload_media", &[("workspace", &w.id), ("name", name), ("data", &data_url("image/png", &bytes))], 422).await;
        let msg = e.field_message("file").unwrap_or_else(|| panic!("{name}: no message on the file field: {e:?}"));
        assert!(msg.contains("not an image"), "{msg}");
        assert_eq!(stored(&env).await, (0, 0, 0), "{name}: nothing may be stored");
    }
    // Wider than the decoder allows (a guard against decompression bombs).
    let e = owner.fails("upload_media", &[("workspace", &w.id), ("name", "wide.png"), ("data", &data_url("image/png", &png(8001, 1)))], 422).await;
    assert!(e.field_message("file").is_some_and(|m| m.contains("too large")), "{e:?}");
    assert_eq!(stored(&env).await, (0, 0, 0));
    let e = owner.fails("upload_media", &[("workspace", &w.id), ("name", "x.png"), ("data", "not a data url")], 422).await;
    assert!(e.field_message("file").is_some(), "{e:?}");

    // In the person's language (the lang cookie the app sets), French here.
    owner.set_cookie("lang=fr");
    let e = owner.fails("upload_media", &[("workspace", &w.id), ("name", "evil.png"), ("data", &data_url("image/png", b"just some text"))], 422).await;
    assert_eq!(e.field_message("file").as_deref(), Some("Ce fichier n’est pas une image utilisable. Choisissez une image PNG, JPEG, GIF ou WebP."), "{e:?}");
    let e = owner.fails("upload_media", &[("workspace", &w.id), ("name", "wide.png"), ("data", &data_url("image/png", &png(8001, 1)))], 422).await;
    assert_eq!(e.field_message("file").as_deref(), Some("Cette image est trop grande. Les images peuvent faire au plus 8000×8000 pixels."), "{e:?}");
    let res = owner.get("/files/nope/original").await;
    assert_eq!(res.status().as_u16(), 404);
    let e: AppError = res.json().await.unwrap();
    assert!(matches!(&e, AppError::NotFound { what } if what == "ce fichier"), "{e:?}");
    owner.set_cookie("lang=en");
    assert_eq!(stored(&env).await, (0, 0, 0));
    assert_eq!(storage_used(&env, &w.id).await, 0);

    // A GIF named .jpg, and the browser calling it image/jpeg: it is a GIF.
    let g = upload(&owner, &w.id, "holiday.jpg", "image/jpeg", &gif(40, 30)).await;
    assert_eq!((g.content_type.as_str(), g.width, g.height), ("image/gif", 40, 30));
    let (ct, _) = fetch(&owner, &g.url(None)).await;
    assert_eq!(ct, "image/gif");

    // Paths and control characters are dropped from names; the stored name is harmless.
    let p = upload(&owner, &w.id, "../../etc/passwd", "image/png", &png(10, 10)).await;
    assert_eq!(p.name, "passwd");
    let p = upload(&owner, &w.id, "..\\..\\windows\\we\u{0}ird\nname.png", "image/png", &png(10, 10)).await;
    assert_eq!(p.name, "weirdname.png");
    let long = format!("{}.png", "n".repeat(500));
    let p = upload(&owner, &w.id, &long, "image/png", &png(10, 10)).await;
    assert!(p.name.chars().count() <= 120 && p.name.ends_with(".png"), "{}", p.name);
    let gridfs_names: Vec<String> = {
        let db = env.srv.db().await;
        let mut c = db.collection::<Document>("media_files.files").find(doc! {}).await.unwrap();
        let mut v = vec![];
        while c.advance().await.unwrap() {
            v.push(c.deserialize_current().unwrap().get_str("filename").unwrap().to_string());
        }
        v
    };
    assert!(gridfs_names.iter().all(|n| !n.contains("..") && !n.contains("passwd")), "{gridfs_names:?}");
}

#[tokio::test]
async fn uploads_over_the_plan_limits_are_refused_and_store_nothing() {
    let (env, owner, w) = setup("media_limits").await;
    // A plan file with a 0 MB upload limit on Free, and Pro with room for uploads but
    // only 1 MB of storage.
    let plans = plans_file().replace("\"upload_mb\": 5,", "\"upload_mb\": 0,").replace("\"storage_mb\": 20000,", "\"storage_mb\": 1,");
    assert!(plans.contains("\"upload_mb\": 0,") && plans.contains("\"storage_mb\": 1,"));
    env.load_plans(&plans).await;

    let e = owner.fails("upload_media", &[("workspace", &w.id), ("name", "a.png"), ("data", &data_url("image/png", &png(64, 64)))], 402).await;
    assert_eq!(e, AppError::LimitReached { limit: "upload size".into(), plan: "Free".into(), upgrade_to: Some("Pro".into()) });
    assert!(e.to_string().contains("upload size limit of the Free plan"), "{e}");
    assert_eq!(stored(&env).await, (0, 0, 0));
    assert_eq!(storage_used(&env, &w.id).await, 0);

    // On Pro: one ~600 KB image fits in 1 MB of storage, a second does not.
    set_plan_in_db(&env, &w.id, "pro").await;
    let big = encode(noise(450, 450), image::ImageFormat::Png);
    assert!(big.len() > 550 * 1024, "{}", big.len());
    upload(&owner, &w.id, "first.png", "image/png", &big).await;
    let before = stored(&env).await;
    let used = storage_used(&env, &w.id).await;
    let e = owner.fails("upload_media", &[("workspace", &w.id), ("name", "second.png"), ("data", &data_url("image/png", &big))], 402).await;
    assert!(matches!(&e, AppError::LimitReached { limit, plan, .. } if limit == "storage" && plan == "Pro"), "{e:?}");
    assert_eq!(stored(&env).await, before, "nothing more stored");
    assert_eq!(storage_used(&env, &w.id).await, used);
    assert_eq!(library(&owner, &w.id).await.files.len(), 1);
}

#[tokio::test]
async fn an_animated_gif_keeps_its_animation_at_every_width() {
    let (env, owner, w) = setup("media_animated").await;
    let moving = animated_gif(400, 300);
    let still = gif(400, 300);
    let m = upload(&owner, &w.id, "moving.gif", "image/gif", &moving).await;
    let s = upload(&owner, &w.id, "still.gif", "image/gif", &still).await;
    // A still GIF gets a smaller variant (as PNG); an animated one is served as it was
    // uploaded at every width, so it still moves.
    let (ct, bytes) = fetch(&owner, &s.url(Some(160))).await;
    assert_eq!(ct, "image/png");
    assert_eq!(dimensions(&bytes), (160, 120));
    for width in [Some(160), Some(480), None] {
        let (ct, bytes) = fetch(&owner, &m.url(width)).await;
        assert_eq!(ct, "image/gif", "{width:?}");
        assert_eq!(bytes, moving, "{width:?}: the original, with both frames");
    }
    let doc = env.srv.db().await.collection::<Document>("media").find_one(doc! { "_id": &m.id }).await.unwrap().unwrap();
    assert_eq!(doc.get_array("variants").unwrap().len(), 1, "only the original is stored");
    assert_eq!(storage_used(&env, &w.id).await, gridfs_bytes(&env, &w.id).await);
}

#[tokio::test]
async fn uploads_at_the_same_time_cannot_together_pass_the_storage_limit() {
    let (env, owner, w) = setup("media_race").await;
    // Pro with 1 MB of storage: one ~600 KB image fits, two do not.
    let plans = plans_file().replace("\"storage_mb\": 20000,", "\"storage_mb\": 1,");
    env.load_plans(&plans).await;
    set_plan_in_db(&env, &w.id, "pro").await;
    let big = encode(noise(450, 450), image::ImageFormat::Png);
    let data = data_url("image/png", &big);
    // Four uploads at once: each is checked before its image is decoded and resized, which
    // takes long enough for the others to arrive in between.
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..4 {
        let (b, ws, data) = (owner.clone(), w.id.clone(), data.clone());
        calls.spawn(async move { b.call("upload_media", &[("workspace", &ws), ("name", &format!("at-once-{i}.png")), ("data", &data)]).await });
    }
    let mut statuses = vec![];
    while let Some(r) = calls.join_next().await {
        let (status, body) = r.unwrap();
        if status != 200 {
            let e: AppError = serde_json::from_slice(&body).unwrap_or_else(|_| panic!("{status}: {}", String::from_utf8_lossy(&body)));
            assert!(matches!(&e, AppError::LimitReached { limit, plan, .. } if limit == "storage" && plan == "Pro"), "{e:?}");
        }
        statuses.push(status);
    }
    statuses.sort();
    assert_eq!(statuses, vec![200, 402, 402, 402]);
    // One image is stored, and the storage use counts exactly it.
    let lib = library(&owner, &w.id).await;
    assert_eq!(lib.files.len(), 1);
    assert_eq!(env.count("media", doc! { "workspace_id": &w.id }).await, 1);
    assert_eq!(storage_used(&env, &w.id).await, gridfs_bytes(&env, &w.id).await);
    assert!(storage_used(&env, &w.id).await <= 1024 * 1024);
}

// ---------------------------------------------------------------- deletion

#[tokio::test]
async fn delete_frees_storage_and_refuses_files_still_in_use() {
    let (env, owner, w) = setup("media_delete").await;
    let used_img = upload(&owner, &w.id, "hero.png", "image/png", &png(600, 400)).await;
    let spare = upload(&owner, &w.id, "spare.png", "image/png", &png(500, 500)).await;
    let total = storage_used(&env, &w.id).await;
    assert_eq!(total, gridfs_bytes(&env, &w.id).await);

    // A bio page using the first image in an image block (written directly: the bio
    // builder's fns are another module's).
    let content = app::bio::BioContent {
        blocks: vec![app::bio::Block { id: "b1".into(), kind: app::bio::BlockKind::Image { media: used_img.id.clone(), alt: "Hero".into(), url: None } }],
        ..Default::default()
    };
    seed_bio_page(&env, &w.id, "ana", content).await;

    let before = stored(&env).await;
    let e = owner.fails("delete_media", &[("workspace", &w.id), ("id", &used_img.id)], 422).await;
    let msg = e.field_message("file").unwrap_or_else(|| panic!("{e:?}"));
    assert!(msg.contains("the bio page @ana: an image block") && msg.contains("Remove it there first"), "{msg}");
    assert_eq!(msg.matches("@ana").count(), 1, "draft and published uses are one place: {msg}");
    assert_eq!(stored(&env).await, before);
    assert_eq!(storage_used(&env, &w.id).await, total);

    // The unused one goes, with its variants, and its storage is freed.
    let spare_bytes = gridfs_bytes(&env, &w.id).await;
    let lib: MediaLibrary = owner.ok("delete_media", &[("workspace", &w.id), ("id", &spare.id)]).await;
    assert_eq!(lib.files.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(), [used_img.id.as_str()]);
    let left = gridfs_bytes(&env, &w.id).await;
    assert!(left < spare_bytes);
    assert_eq!(lib.used_bytes as i64, left);
    assert_eq!(storage_used(&env, &w.id).await, left);
    assert_eq!(env.count("media_files.files", doc! { "metadata.media_id": &spare.id }).await, 0);
    assert_eq!(owner.get(&spare.url(None)).await.status(), 404);
    let e = owner.fails("delete_media", &[("workspace", &w.id), ("id", &spare.id)], 404).await;
    assert!(matches!(e, AppError::NotFound { .. }), "{e:?}");

    // Once the page no longer uses it, it can go too.
    env.srv.db().await.collection::<Document>("bio_pages").delete_many(doc! {}).await.unwrap();
    let lib: MediaLibrary = owner.ok("delete_media", &[("workspace", &w.id), ("id", &used_img.id)]).await;
    assert!(lib.files.is_empty());
    assert_eq!(lib.used_bytes, 0);
    assert_eq!(stored(&env).await, (0, 0, 0));
}

#[tokio::test]
async fn deleting_a_workspace_removes_its_files() {
    let (env, owner, w) = setup("media_ws_delete").await;
    let other = person(&env, "Ben Other", "ben@example.com").await;
    let theirs: WorkspaceDetail = other.ok("create_workspace", &[("name", "Ben Place"), ("kind", "other")]).await;
    let f = upload(&owner, &w.id, "a.png", "image/png", &png(800, 200)).await;
    let kept = upload(&other, &theirs.id, "b.png", "image/png", &png(800, 200)).await;
    owner.ok::<()>("delete_workspace", &[("workspace", &w.id), ("confirm_name", "Ana Studio")]).await;
    assert_eq!(env.count("media", doc! { "workspace_id": &w.id }).await, 0);
    assert_eq!(owner.get(&f.url(None)).await.status(), 404);
    // The stored bytes go through the erase job that the deletion's transaction queued.
    let gone =
        common::eventually(std::time::Duration::from_secs(10), || async { env.count("media_files.files", doc! { "metadata.workspace_id": &w.id }).await == 0 })
            .await;
    assert!(gone.is_some(), "the workspace's files are removed by its erase job");
    assert_eq!(env.count("jobs", doc! { "kind": "workspaces.erase", "status": "done" }).await, 1);
    // Someone else's files stay.
    assert_eq!(library(&other, &theirs.id).await.files.len(), 1);
    assert_eq!(fetch(&other, &kept.url(Some(160))).await.0, "image/png");
    let chunks = env.count("media_files.chunks", doc! {}).await;
    assert_eq!(chunks, env.count("media_files.files", doc! {}).await, "one chunk per small file, no orphans");
}

// ---------------------------------------------------------------- isolation

#[tokio::test]
async fn no_media_fn_reaches_into_another_workspace_or_past_the_callers_role() {
    let env = start("media_probe", &[]).await;
    let fx = probe::fixture(&env).await;
    let v = &fx.victim;
    let f = upload(&v.owner, &v.workspace_id, "victim.png", "image/png", &png(300, 300)).await;
    let victim_media = f.id.clone();

    // Files are public by id (they appear on public pages); nothing lists a workspace.
    assert_eq!(fx.outsider.browser.get(&f.url(None)).await.status(), 200);
    for path in [format!("/files/{}/original", v.workspace_id), format!("/files/{}", v.workspace_id), "/files/".to_string()] {
        let res = fx.outsider.browser.get(&path).await;
        let status = res.status().as_u16();
        let body = res.text().await.unwrap();
        assert!(!body.contains(&victim_media), "GET {path} leaks a media id: {body}");
        if path.contains(&v.workspace_id) && path.ends_with("/original") {
            assert_eq!(status, 404, "GET {path}");
        }
    }

    let args = move |name: &str, _: &Fixture| -> Option<Vec<(String, String)>> {
        let f = |pairs: &[(&str, &str)]| Some(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
        match name {
            "list_media" => f(&[]),
            "upload_media" => f(&[("name", "intruder.png"), ("data", PNG_DATA_URL)]),
            "delete_media" => f(&[("id", &victim_media)]),
            _ => None,
        }
    };
    probe::run(
        &env,
        &fx,
        &ModuleSpec { module: "media", endpoints: ENDPOINTS, view_only: &["list_media"], viewer_self_service: &[], routes: &[], args: &args },
    )
    .await;

    // The victim's file is still there and served.
    let lib = library(&v.owner, &v.workspace_id).await;
    assert_eq!(lib.files.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(), [f.id.as_str()]);
    assert_eq!(fetch(&fx.outsider.browser, &f.url(Some(160))).await.0, "image/png");
    // The viewer sees the library but cannot change it.
    assert_eq!(library(&v.viewer, &v.workspace_id).await.files.len(), 1);
}

// ---------------------------------------------------------------- large uploads

#[tokio::test]
async fn an_upload_larger_than_the_general_body_limit_is_accepted_up_to_the_plan() {
    let (env, b, w) = setup("media_large").await;
    // Noise does not compress: a PNG of about 3 MB, over the 2 MB limit of other requests.
    let big = encode(noise(1000, 1000), image::ImageFormat::Png);
    assert!(big.len() > 2_200_000, "{} bytes", big.len());
    let f = upload(&b, &w.id, "big.png", "image/png", &big).await;
    assert_eq!(f.bytes, big.len() as u64);
    assert_eq!(library(&b, &w.id).await.files.len(), 1);
    // Other server fns keep the general limit.
    let res = b.post("get_workspace", &[("workspace", &w.id), ("pad", &"a".repeat(3_000_000))]).await;
    assert_eq!(res.status(), 413);
    drop(env);
}
