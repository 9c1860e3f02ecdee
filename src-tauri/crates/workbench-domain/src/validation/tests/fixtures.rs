//! The icon corpus in `tests/fixtures/icons/`: each file against the rule ids that
//! `expected.json` lists for it, with the default pack.
//!
//! The files are generated here (`PWB_UPDATE_FIXTURES=1 cargo test -p workbench-domain fixtures`
//! rewrites them), except `cmyk.jpg`, which `image` cannot encode: it was made with ImageMagick
//! (`convert -size 256x256 xc:white -fill '#3366cc' -draw 'circle 128,128 128,40'
//! -colorspace CMYK -quality 85 cmyk.jpg`) and is committed as is.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::PathBuf;

use image::codecs::gif::GifEncoder;
use image::{DynamicImage, Frame, ImageFormat, Rgba, RgbaImage};

use super::super::*;

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/icons")
}

const CLEAR: Rgba<u8> = Rgba([0, 0, 0, 0]);
const BLUE: Rgba<u8> = Rgba([51, 102, 204, 255]);
const WHITE: Rgba<u8> = Rgba([255, 255, 255, 255]);

/// A disc of `fg` centred on `bg`, clear of the corner zones.
pub fn disc(width: u32, height: u32, radius: f32, bg: Rgba<u8>, fg: Rgba<u8>) -> RgbaImage {
    let (cx, cy) = (width as f32 / 2.0, height as f32 / 2.0);
    RgbaImage::from_fn(width, height, |x, y| {
        let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
        if dx * dx + dy * dy <= radius * radius {
            fg
        } else {
            bg
        }
    })
}

pub fn encode(image: DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).expect("encodes");
    out.into_inner()
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    out.extend_from_slice(&crc32fast::hash(&crc_input).to_be_bytes());
    out
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// A PNG whose header claims `width`×`height` RGBA pixels, with one tiny IDAT: a few dozen
/// bytes that a naive decoder would try to inflate into width×height×4 bytes.
pub fn bomb_png(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut out = PNG_SIGNATURE.to_vec();
    out.extend(chunk(b"IHDR", &ihdr));
    // A zlib stream of a run of zero bytes (stored compactly), far shorter than the image.
    out.extend(chunk(
        b"IDAT",
        &[
            0x78, 0x9C, 0x63, 0x60, 0x18, 0x05, 0x00, 0x00, 0x00, 0xFF, 0xFF,
        ],
    ));
    out.extend(chunk(b"IEND", &[]));
    out
}

/// The chunks of a PNG, as (kind, data).
fn chunks(png: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    let mut at = 8;
    let mut out = Vec::new();
    while at + 8 <= png.len() {
        let length = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
        let kind: [u8; 4] = png[at + 4..at + 8].try_into().unwrap();
        out.push((kind, png[at + 8..at + 8 + length].to_vec()));
        at += 12 + length;
    }
    out
}

/// An APNG of two frames, both the image of `png`.
fn apng(png: &[u8]) -> Vec<u8> {
    let parts = chunks(png);
    let ihdr = &parts.iter().find(|(k, _)| k == b"IHDR").unwrap().1;
    let idat: Vec<u8> = parts
        .iter()
        .filter(|(k, _)| k == b"IDAT")
        .flat_map(|(_, d)| d.clone())
        .collect();
    let fctl = |sequence: u32| {
        let mut d = sequence.to_be_bytes().to_vec();
        d.extend_from_slice(&ihdr[0..8]); // width, height
        d.extend_from_slice(&[0; 8]); // x, y offsets
        d.extend_from_slice(&[0, 1, 0, 10, 0, 0]); // delay 1/10 s, dispose none, blend source
        d
    };
    let mut out = PNG_SIGNATURE.to_vec();
    out.extend(chunk(b"IHDR", ihdr));
    out.extend(chunk(b"acTL", &[0, 0, 0, 2, 0, 0, 0, 0]));
    out.extend(chunk(b"fcTL", &fctl(0)));
    out.extend(chunk(b"IDAT", &idat));
    out.extend(chunk(b"fcTL", &fctl(1)));
    let mut fdat = 2u32.to_be_bytes().to_vec();
    fdat.extend_from_slice(&idat);
    out.extend(chunk(b"fdAT", &fdat));
    out.extend(chunk(b"IEND", &[]));
    out
}

/// `png` with the CRC of its IHDR chunk (bytes 29..33) inverted: the chunk's data is intact, so
/// a hand-read of width, height and colour type succeeds, but no decoder accepts the file.
pub fn broken_ihdr_crc(png: &[u8]) -> Vec<u8> {
    assert_eq!(&png[12..16], b"IHDR", "the IHDR chunk comes first");
    let mut out = png.to_vec();
    for byte in &mut out[29..33] {
        *byte = !*byte;
    }
    out
}

fn animated_gif() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = GifEncoder::new(&mut out);
        let frames = [
            disc(256, 256, 80.0, WHITE, BLUE),
            disc(256, 256, 60.0, WHITE, BLUE),
        ];
        encoder
            .encode_frames(frames.into_iter().map(Frame::new))
            .expect("encodes");
    }
    out
}

/// Every generated fixture, by file name.
pub fn generated() -> BTreeMap<&'static str, Vec<u8>> {
    let valid_png = encode(
        DynamicImage::ImageRgba8(disc(256, 256, 90.0, CLEAR, BLUE)),
        ImageFormat::Png,
    );
    let valid_jpg = encode(
        DynamicImage::ImageRgba8(disc(256, 256, 90.0, WHITE, BLUE))
            .to_rgb8()
            .into(),
        ImageFormat::Jpeg,
    );
    let mut corner = disc(256, 256, 90.0, CLEAR, BLUE);
    for y in 8..24 {
        for x in 228..244 {
            corner.put_pixel(x, y, BLUE);
        }
    }
    let mut oversized = valid_png.clone();
    oversized.resize(540_000, 0);
    let mut files = BTreeMap::new();
    files.insert("valid.png", valid_png.clone());
    files.insert("valid.jpg", valid_jpg.clone());
    files.insert("truncated.png", valid_png[..valid_png.len() / 2].to_vec());
    // Files that cannot be decoded from their header on: each is an icon.decodes error.
    files.insert("broken-crc.png", broken_ihdr_crc(&valid_png));
    files.insert("truncated-header.png", valid_png[..20].to_vec());
    files.insert("truncated-header.jpg", valid_jpg[..24].to_vec());
    files.insert("wrong-extension.png", valid_jpg);
    files.insert("bomb-60000.png", bomb_png(60_000, 60_000));
    files.insert(
        "sixteen-bit.png",
        encode(
            DynamicImage::ImageRgba16(
                DynamicImage::ImageRgba8(disc(256, 256, 90.0, CLEAR, BLUE)).to_rgba16(),
            ),
            ImageFormat::Png,
        ),
    );
    files.insert("animated.png", apng(&valid_png));
    files.insert("animated.gif", animated_gif());
    files.insert(
        "one-pixel.png",
        encode(
            DynamicImage::ImageRgba8(RgbaImage::from_pixel(1, 1, BLUE)),
            ImageFormat::Png,
        ),
    );
    files.insert(
        "non-square.png",
        encode(
            DynamicImage::ImageRgba8(disc(320, 256, 80.0, CLEAR, BLUE)),
            ImageFormat::Png,
        ),
    );
    files.insert("oversized.png", oversized);
    files.insert(
        "not-an-image.png",
        b"This is not an image, only text with a .png name.\n".to_vec(),
    );
    files.insert(
        "corner-content.png",
        encode(DynamicImage::ImageRgba8(corner), ImageFormat::Png),
    );
    files.insert(
        "blank-transparent.png",
        encode(
            DynamicImage::ImageRgba8(RgbaImage::from_pixel(256, 256, CLEAR)),
            ImageFormat::Png,
        ),
    );
    files.insert(
        "blank-solid.png",
        encode(
            DynamicImage::ImageRgba8(RgbaImage::from_pixel(256, 256, BLUE)),
            ImageFormat::Png,
        ),
    );
    files
}

/// `expected.json`: for each file, the rule ids it must produce (sorted) and, for the corner
/// rule, the corners it must name.
#[derive(serde::Deserialize)]
struct Expected {
    rules: Vec<String>,
    #[serde(default)]
    corners: Vec<String>,
}

fn manifest() -> BTreeMap<String, Expected> {
    let text =
        std::fs::read_to_string(fixtures_dir().join("expected.json")).expect("expected.json");
    serde_json::from_str(&text).expect("expected.json parses")
}

/// The fixture files on disk (everything but the manifest and the README).
pub fn corpus() -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures/icons exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            !matches!(
                path.file_name().and_then(|n| n.to_str()),
                Some("expected.json" | "README.md")
            )
        })
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect()
}

#[test]
fn generated_fixtures_exist_or_are_regenerated() {
    let dir = fixtures_dir();
    let update = std::env::var("PWB_UPDATE_FIXTURES").is_ok_and(|v| v == "1");
    for (name, bytes) in generated() {
        let path = dir.join(name);
        if update {
            std::fs::write(&path, &bytes).unwrap();
        }
        assert!(
            path.is_file(),
            "{} is missing; run PWB_UPDATE_FIXTURES=1 cargo test -p workbench-domain fixtures",
            path.display()
        );
    }
    let total: usize = corpus().values().map(Vec::len).sum();
    assert!(
        total < 1024 * 1024,
        "the icon corpus is {total} bytes; keep it under 1 MiB"
    );
}

#[test]
fn every_fixture_produces_exactly_its_expected_rule_ids() {
    let pack = RulesPack::default_pack();
    let manifest = manifest();
    let corpus = corpus();
    assert_eq!(
        corpus.keys().collect::<Vec<_>>(),
        manifest.keys().collect::<Vec<_>>(),
        "every file has an entry in expected.json and every entry a file"
    );
    let mut failures = Vec::new();
    for (name, bytes) in &corpus {
        let expected = &manifest[name];
        let report = validate_icon(bytes, name, &pack);
        let ids = report.rule_ids();
        let corners: Vec<&str> = report
            .diagnostics
            .iter()
            .filter_map(|d| d.params.get("corner").and_then(|c| c.as_str()))
            .collect();
        if ids != expected.rules || corners != expected.corners {
            failures.push(format!(
                "{name}: got {ids:?} corners {corners:?}, expected {:?} corners {:?}\n  {:#?}",
                expected.rules, expected.corners, report.diagnostics
            ));
        }
        // Whatever a file is, the icon rules either ran or say why not: none is silently skipped.
        let icon_rules = pack
            .rules
            .iter()
            .filter(|r| r.kind.starts_with("icon_"))
            .count();
        let accounted: std::collections::BTreeSet<&str> = report
            .diagnostics
            .iter()
            .map(|d| d.rule.as_str())
            .chain(report.not_checked.iter().map(|n| n.rule.as_str()))
            .collect();
        assert!(accounted.len() <= icon_rules);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_bomb_is_refused_from_its_header_without_decoding() {
    let bytes = bomb_png(60_000, 60_000);
    assert!(bytes.len() < 400, "the bomb is a few dozen bytes");
    let analysis = icon::analyse(
        IconInput {
            bytes: &bytes,
            file_name: "bomb.png",
        },
        icon::DecodeLimits::DEFAULT,
    );
    assert!(
        matches!(
            analysis.pixels,
            icon::Pixels::TooLarge {
                width: 60_000,
                height: 60_000
            }
        ),
        "{:?}",
        analysis.pixels
    );
    let report = validate_icon(&bytes, "bomb.png", &RulesPack::default_pack());
    for rule in ["icon.not_blank", "icon.corners_clear", "icon.decodes"] {
        let entry = report.not_checked.iter().find(|n| n.rule == rule);
        assert!(
            entry.is_some_and(|n| n.reason.contains("60000×60000")),
            "{rule} is reported as not checked because of the size: {:?}",
            report.not_checked
        );
    }
}

/// A file that cannot be decoded is broken, not unknown: `icon.decodes` is an error, and each
/// rule that needs the header or the pixels is not checked, naming the decode failure.
#[test]
fn a_file_that_does_not_decode_is_an_error_and_the_rules_that_need_it_say_why() {
    let pack = RulesPack::default_pack();
    let corpus = corpus();
    // Rules that need no decoding: they run on the bytes and the name.
    let on_the_bytes = ["icon.format", "icon.extension", "icon.file_size"];
    for (name, cause) in [
        ("broken-crc.png", "crc"),
        ("truncated-header.png", "truncated"),
        ("truncated-header.jpg", "truncated"),
        ("not-an-image.png", "not in a known image format"),
    ] {
        let report = validate_icon(&corpus[name], name, &pack);
        assert!(report.has_errors(), "{name}");
        let decodes: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.rule == "icon.decodes")
            .collect();
        assert_eq!(decodes.len(), 1, "{name}: {:?}", report.diagnostics);
        assert_eq!(decodes[0].severity, Severity::Error);
        let error = decodes[0].params["error"].as_str().unwrap().to_lowercase();
        assert!(error.contains(cause), "{name}: {error}");
        assert!(
            decodes[0].message.to_lowercase().contains(cause),
            "{name}: {}",
            decodes[0].message
        );
        let not_checked: BTreeMap<&str, &str> = report
            .not_checked
            .iter()
            .map(|n| (n.rule.as_str(), n.reason.as_str()))
            .collect();
        for rule in pack.rules.iter().filter(|r| r.kind.starts_with("icon_")) {
            let id = rule.id.as_str();
            if id == "icon.decodes" || on_the_bytes.contains(&id) {
                continue;
            }
            let reason = not_checked
                .get(id)
                .unwrap_or_else(|| panic!("{name}: {id} is not checked: {not_checked:?}"));
            assert!(
                reason.contains("could not be decoded")
                    && reason.to_lowercase().contains(cause)
                    && reason.contains("icon.decodes"),
                "{name}: {id} names the decode failure: {reason}"
            );
        }
    }
    // Not decoding a format on purpose is not a broken file: an animated GIF is refused by
    // icon.format, and its pixels are not checked.
    let gif = validate_icon(&corpus["animated.gif"], "animated.gif", &pack);
    assert!(gif.diagnostics.iter().all(|d| d.rule != "icon.decodes"));
    assert!(gif.not_checked.iter().any(|n| n.rule == "icon.decodes"));
}

#[test]
fn a_broken_ihdr_crc_keeps_the_chunk_data_and_breaks_only_the_checksum() {
    let valid = &generated()["valid.png"];
    let broken = broken_ihdr_crc(valid);
    assert_eq!(broken.len(), valid.len());
    let differing: Vec<usize> = (0..valid.len())
        .filter(|&i| valid[i] != broken[i])
        .collect();
    assert_eq!(differing, [29, 30, 31, 32], "only the IHDR's CRC changes");
    assert_eq!(generated()["broken-crc.png"], broken);
}

#[test]
fn a_pack_cannot_lift_the_hard_decoding_caps() {
    let mut pack = RulesPack::default_pack();
    let rule = pack
        .rules
        .iter_mut()
        .find(|r| r.kind == "icon_decode_limits")
        .unwrap();
    rule.params
        .insert("max_pixels".into(), serde_json::json!(u64::MAX));
    rule.params
        .insert("max_alloc_bytes".into(), serde_json::json!(u64::MAX));
    let limits = icon::DecodeLimits::from_pack(&pack);
    assert_eq!(limits.max_pixels, icon::HARD_MAX_PIXELS);
    assert_eq!(limits.max_alloc, icon::HARD_MAX_ALLOC);
}
