//! Compressing a response body once, ahead of time, so requests cost no compression:
//! published bio pages when they are rendered, the built client's files when the server starts.

use axum::body::Bytes;

/// Brotli at quality 9: close to the best ratio for text, still fast enough to run once per
/// document (quality 10 and 11 are many times slower).
pub fn brotli(input: &[u8]) -> Option<Bytes> {
    let mut out = Vec::with_capacity(input.len() / 3);
    let params = brotli::enc::BrotliEncoderParams { quality: 9, ..Default::default() };
    brotli::BrotliCompress(&mut &input[..], &mut out, &params).ok()?;
    Some(out.into())
}

/// Gzip at level 6, for clients that do not accept brotli.
pub fn gzip(input: &[u8]) -> Option<Bytes> {
    use std::io::Write as _;
    let mut enc = flate2::write::GzEncoder::new(Vec::with_capacity(input.len() / 3), flate2::Compression::new(6));
    enc.write_all(input).ok()?;
    enc.finish().ok().map(Into::into)
}
