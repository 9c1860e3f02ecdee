//! Icon rules: the real format from the bytes against the extension, byte size, square, pixel
//! bounds, not animated, colour type, not blank, and corners clear of the installation badges.
//!
//! Decoding is bounded. The header is read first (by hand for the colour type and animation, by
//! `image`'s `into_dimensions` for the size), and an image above the pack's pixel limit is refused
//! without decoding: a 60000×60000 PNG costs a header read, not 14 GB. Below the limit the decoder
//! runs under `image::Limits` (width, height and allocation caps). The caps are clamped to
//! [`HARD_MAX_PIXELS`] and [`HARD_MAX_ALLOC`] whatever the pack says, so a hostile or mistaken pack
//! cannot unbound them either.
//!
//! A file that does not decode is broken, not unknown: when the header of a PNG, JPEG or GIF
//! cannot be read (truncated, a chunk whose CRC does not match, no frame header) or the bytes
//! are no image format at all, `icon_decodes` reports an error, and the rules that need the
//! header or the pixels are not checked, naming that failure. Only what the engine does not look
//! at on purpose (a WebP or BMP, a GIF's pixels: `icon_format` refuses those formats) or may not
//! decode safely (above the pixel limit) is merely not checked.

use std::io::Cursor;

use image::{ImageFormat, ImageReader, Limits, RgbaImage};

use super::{Context, Finding, IconInput, Outcome, Rule, RulesPack, missing_param};

/// No pack can raise the decoding limit above 4096×4096 pixels.
pub const HARD_MAX_PIXELS: u64 = 4096 * 4096;
/// No pack can let the decoder allocate more than 128 MiB.
pub const HARD_MAX_ALLOC: u64 = 128 * 1024 * 1024;

/// The format the bytes really are, from their magic numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RealFormat {
    Png,
    Jpeg,
    Gif,
    Webp,
    Bmp,
    Unknown,
}

impl RealFormat {
    pub fn sniff(bytes: &[u8]) -> RealFormat {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            RealFormat::Png
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            RealFormat::Jpeg
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            RealFormat::Gif
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            RealFormat::Webp
        } else if bytes.starts_with(b"BM") && bytes.len() >= 26 {
            RealFormat::Bmp
        } else {
            RealFormat::Unknown
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RealFormat::Png => "png",
            RealFormat::Jpeg => "jpeg",
            RealFormat::Gif => "gif",
            RealFormat::Webp => "webp",
            RealFormat::Bmp => "bmp",
            RealFormat::Unknown => "unknown",
        }
    }

    /// The file extensions that name this format.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            RealFormat::Png => &["png"],
            RealFormat::Jpeg => &["jpg", "jpeg"],
            RealFormat::Gif => &["gif"],
            RealFormat::Webp => &["webp"],
            RealFormat::Bmp => &["bmp"],
            RealFormat::Unknown => &[],
        }
    }
}

/// What the header says, read without decoding pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub width: u32,
    pub height: u32,
    /// For example `rgba8`, `rgb16`, `l8`, `indexed`, `cmyk8`.
    pub color: String,
    pub animated: bool,
}

/// The pixels, or why there are none.
#[derive(Debug, Clone)]
pub enum Pixels {
    Decoded(RgbaImage),
    /// Refused before decoding: the header claims more pixels than the limit.
    TooLarge {
        width: u32,
        height: u32,
    },
    /// The file does not decode: its header cannot be read (truncated, a broken checksum, bytes
    /// that are no image format), or the decoder failed on its data (truncated or corrupt, or a
    /// limit hit while decoding). `icon_decodes` reports it as an error.
    Failed(String),
    /// Not attempted, and why: a format the engine does not decode (WebP, BMP, GIF pixels).
    NotAttempted(String),
}

/// The icon, analysed once and shared by the icon rules.
#[derive(Debug, Clone)]
pub struct IconAnalysis {
    pub byte_len: usize,
    pub format: RealFormat,
    /// Lower-case extension of the file name, if any.
    pub extension: Option<String>,
    pub header: Result<Header, String>,
    pub pixels: Pixels,
}

/// The decoding limits, from the pack's `icon_decode_limits` rule, clamped to the hard caps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    pub max_pixels: u64,
    pub max_alloc: u64,
}

impl DecodeLimits {
    pub const DEFAULT: DecodeLimits = DecodeLimits {
        max_pixels: 2048 * 2048,
        max_alloc: 32 * 1024 * 1024,
    };

    pub fn from_pack(pack: &RulesPack) -> DecodeLimits {
        let rule = pack.rule_of_kind("icon_decode_limits");
        let param = |name, default| rule.and_then(|r| r.param_u64(name)).unwrap_or(default);
        DecodeLimits {
            max_pixels: param("max_pixels", Self::DEFAULT.max_pixels).min(HARD_MAX_PIXELS),
            max_alloc: param("max_alloc_bytes", Self::DEFAULT.max_alloc).min(HARD_MAX_ALLOC),
        }
    }

    fn image_limits(self) -> Limits {
        let side = u32::try_from(self.max_pixels).unwrap_or(u32::MAX);
        let mut limits = Limits::default();
        limits.max_image_width = Some(side);
        limits.max_image_height = Some(side);
        limits.max_alloc = Some(self.max_alloc);
        limits
    }
}

/// Reads the header, and decodes the pixels only when the header is within `limits`.
pub fn analyse(file: IconInput<'_>, limits: DecodeLimits) -> IconAnalysis {
    let bytes = file.bytes;
    let format = RealFormat::sniff(bytes);
    let extension = file
        .file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    let header = read_header(bytes, format, limits);
    let pixels = match (&header, format) {
        (Err(why), RealFormat::Webp | RealFormat::Bmp) => Pixels::NotAttempted(why.clone()),
        // A PNG, JPEG or GIF whose header cannot be read, or bytes in no known format: broken.
        (Err(why), _) => Pixels::Failed(why.clone()),
        (Ok(h), _) if u64::from(h.width) * u64::from(h.height) > limits.max_pixels => {
            Pixels::TooLarge {
                width: h.width,
                height: h.height,
            }
        }
        (Ok(_), RealFormat::Png) => decode(bytes, ImageFormat::Png, limits),
        (Ok(_), RealFormat::Jpeg) => decode(bytes, ImageFormat::Jpeg, limits),
        (Ok(_), other) => Pixels::NotAttempted(format!(
            "{} images are not decoded; only PNG and JPEG are",
            other.as_str()
        )),
    };
    IconAnalysis {
        byte_len: bytes.len(),
        format,
        extension,
        header,
        pixels,
    }
}

fn decode(bytes: &[u8], format: ImageFormat, limits: DecodeLimits) -> Pixels {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits.image_limits());
    match reader.decode() {
        Ok(image) => Pixels::Decoded(image.into_rgba8()),
        Err(error) => Pixels::Failed(error.to_string()),
    }
}

fn read_header(bytes: &[u8], format: RealFormat, limits: DecodeLimits) -> Result<Header, String> {
    let (color, animated) = match format {
        RealFormat::Png => png_header(bytes)?,
        RealFormat::Jpeg => (jpeg_color(bytes)?, false),
        RealFormat::Gif => {
            let (width, height, frames) = gif_header(bytes)?;
            return Ok(Header {
                width,
                height,
                color: "indexed".to_owned(),
                animated: frames > 1,
            });
        }
        RealFormat::Webp | RealFormat::Bmp => {
            return Err(format!(
                "{} images are not decoded; only PNG and JPEG are",
                format.as_str()
            ));
        }
        RealFormat::Unknown => {
            return Err(
                "the bytes are not in a known image format (PNG, JPEG, GIF, WebP or BMP)".into(),
            );
        }
    };
    let image_format = if format == RealFormat::Png {
        ImageFormat::Png
    } else {
        ImageFormat::Jpeg
    };
    // Header only: `into_dimensions` builds the decoder, which parses the header and stops.
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format);
    let mut header_limits = limits.image_limits();
    header_limits.max_image_width = None;
    header_limits.max_image_height = None;
    reader.limits(header_limits);
    let (width, height) = reader.into_dimensions().map_err(|e| e.to_string())?;
    Ok(Header {
        width,
        height,
        color,
        animated,
    })
}

fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// The PNG's colour type and whether it is an APNG (an `acTL` chunk before the first `IDAT`,
/// announcing more than one frame). The IHDR chunk must be whole and its CRC must match: a
/// header that fails its checksum is corrupt, whatever its fields say.
fn png_header(bytes: &[u8]) -> Result<(String, bool), String> {
    let truncated = || "the PNG header is truncated".to_owned();
    if bytes.get(12..16) != Some(b"IHDR") {
        return Err("the PNG does not start with an IHDR chunk".to_owned());
    }
    let depth = *bytes.get(24).ok_or_else(truncated)?;
    let color_type = *bytes.get(25).ok_or_else(truncated)?;
    if be_u32(bytes, 8) == Some(13) {
        let stored = be_u32(bytes, 29).ok_or_else(truncated)?;
        if crc32fast::hash(&bytes[12..29]) != stored {
            return Err("the PNG's IHDR chunk fails its CRC check".into());
        }
    }
    let color = match color_type {
        0 => format!("l{depth}"),
        2 => format!("rgb{depth}"),
        3 => "indexed".to_owned(),
        4 => format!("la{depth}"),
        6 => format!("rgba{depth}"),
        other => format!("unknown{other}"),
    };
    let mut at = 8usize;
    let mut animated = false;
    while let (Some(length), Some(kind)) = (be_u32(bytes, at), bytes.get(at + 4..at + 8)) {
        match kind {
            b"acTL" => {
                animated = be_u32(bytes, at + 8).is_some_and(|frames| frames > 1);
                break;
            }
            b"IDAT" | b"IEND" => break,
            _ => {}
        }
        at = match at
            .checked_add(12)
            .and_then(|a| a.checked_add(length as usize))
        {
            Some(next) => next,
            None => break,
        };
    }
    Ok((color, animated))
}

/// The JPEG's colour type from its frame header: components and sample precision.
/// Four components are CMYK (or YCCK, Adobe's variant), which browsers render inconsistently.
fn jpeg_color(bytes: &[u8]) -> Result<String, String> {
    let mut at = 2usize;
    loop {
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) else {
            return Err("the JPEG has no frame header".to_owned());
        };
        if matches!(marker, 0x01 | 0xD0..=0xD7) {
            at += 2;
            continue;
        }
        let length = bytes
            .get(at + 2..at + 4)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
            .ok_or("the JPEG header is truncated")?;
        let is_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame {
            let precision = *bytes.get(at + 4).ok_or("the JPEG header is truncated")?;
            let components = *bytes.get(at + 9).ok_or("the JPEG header is truncated")?;
            return Ok(match components {
                1 => format!("l{precision}"),
                3 => format!("rgb{precision}"),
                4 => format!("cmyk{precision}"),
                other => format!("{other}-component"),
            });
        }
        if marker == 0xDA || marker == 0xD9 {
            return Err("the JPEG has no frame header".to_owned());
        }
        at += 2 + length;
    }
}

/// The GIF's size and frame count (counted up to 2: enough to know it is animated).
fn gif_header(bytes: &[u8]) -> Result<(u32, u32, u32), String> {
    let truncated = || "the GIF is truncated".to_owned();
    let le = |at: usize| -> Result<u32, String> {
        let b = bytes.get(at..at + 2).ok_or_else(truncated)?;
        Ok(u32::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let (width, height) = (le(6)?, le(8)?);
    let flags = *bytes.get(10).ok_or_else(truncated)?;
    let mut at = 13usize;
    if flags & 0x80 != 0 {
        at += 3 << ((flags & 7) + 1);
    }
    let skip_sub_blocks = |mut at: usize| -> Result<usize, String> {
        loop {
            let size = usize::from(*bytes.get(at).ok_or_else(truncated)?);
            at += 1;
            if size == 0 {
                return Ok(at);
            }
            at += size;
        }
    };
    let mut frames = 0;
    while frames < 2 {
        match bytes.get(at) {
            Some(0x21) => at = skip_sub_blocks(at + 2)?,
            Some(0x2C) => {
                frames += 1;
                let local = *bytes.get(at + 9).ok_or_else(truncated)?;
                at += 10;
                if local & 0x80 != 0 {
                    at += 3 << ((local & 7) + 1);
                }
                at = skip_sub_blocks(at + 1)?;
            }
            _ => break,
        }
    }
    Ok((width, height, frames))
}

fn analysis<'c>(context: &'c Context<'_>) -> Result<&'c IconAnalysis, String> {
    context
        .icon()
        .ok_or_else(|| "no icon file was given".to_owned())
}

/// The not-checked reason of a rule that needs what a file that does not decode lacks: the
/// failure, and the rule that reports it as an error.
fn undecodable(context: &Context<'_>, why: &str) -> String {
    match context.pack.rule_of_kind("icon_decodes") {
        Some(rule) => format!(
            "the icon could not be decoded ({why}); {} reports it as an error",
            rule.id
        ),
        None => format!("the icon could not be decoded ({why})"),
    }
}

fn header<'c>(context: &'c Context<'_>) -> Result<&'c Header, String> {
    let icon = analysis(context)?;
    icon.header.as_ref().map_err(|why| match &icon.pixels {
        Pixels::Failed(_) => undecodable(context, why),
        _ => format!("the icon's header was not read ({why})"),
    })
}

fn pixels<'c>(context: &'c Context<'_>) -> Result<&'c RgbaImage, String> {
    match &analysis(context)?.pixels {
        Pixels::Decoded(image) => Ok(image),
        Pixels::TooLarge { width, height } => Err(format!(
            "the icon ({width}×{height}) is too large to decode safely"
        )),
        Pixels::Failed(why) => Err(undecodable(context, why)),
        Pixels::NotAttempted(why) => Err(why.clone()),
    }
}

fn icon_field(rule: &Rule) -> String {
    rule.field.clone()
}

/// `icon_format`: the bytes are one of the `allowed` formats (`png`, `jpeg`).
pub fn format(context: &Context<'_>, rule: &Rule) -> Outcome {
    let icon = analysis(context)?;
    let allowed = rule
        .param_strings("allowed")
        .ok_or_else(|| missing_param(rule, "allowed"))?;
    Ok(if allowed.contains(&icon.format.as_str()) {
        vec![]
    } else {
        vec![Finding::new(icon_field(rule)).with("format", icon.format.as_str())]
    })
}

/// `icon_extension_matches`: the file name's extension names the real format.
pub fn extension_matches(context: &Context<'_>, rule: &Rule) -> Outcome {
    let icon = analysis(context)?;
    if icon.format == RealFormat::Unknown {
        return Err(
            "the file's format is not recognised, so its extension cannot be compared".into(),
        );
    }
    let extension = icon.extension.as_deref().unwrap_or("");
    Ok(if icon.format.extensions().contains(&extension) {
        vec![]
    } else {
        vec![
            Finding::new(icon_field(rule))
                .with("extension", extension)
                .with("format", icon.format.as_str()),
        ]
    })
}

/// `icon_max_bytes`: the file is at most `max_bytes` long.
pub fn max_bytes(context: &Context<'_>, rule: &Rule) -> Outcome {
    let icon = analysis(context)?;
    let max = rule
        .param_u64("max_bytes")
        .ok_or_else(|| missing_param(rule, "max_bytes"))?;
    Ok(if icon.byte_len as u64 <= max {
        vec![]
    } else {
        vec![Finding::new(icon_field(rule)).with("bytes", icon.byte_len as u64)]
    })
}

/// `icon_decode_limits`: the header's pixel count is within `max_pixels` (else it is refused
/// without decoding).
pub fn decode_limits(context: &Context<'_>, rule: &Rule) -> Outcome {
    let header = header(context)?;
    let limits = DecodeLimits::from_pack(context.pack);
    let pixels = u64::from(header.width) * u64::from(header.height);
    Ok(if pixels <= limits.max_pixels {
        vec![]
    } else {
        vec![
            Finding::new(icon_field(rule))
                .with("width", header.width)
                .with("height", header.height)
                .with("max_pixels", limits.max_pixels),
        ]
    })
}

/// `icon_decodes`: the file decodes. One that does not is an error, never "not checked": a
/// header that cannot be read (truncated, a broken CRC, no frame header), bytes in no known
/// image format, or pixel data the decoder refuses. Not checked only when the engine did not
/// try: above the pixel limit, or a format it does not decode (which `icon_format` refuses).
pub fn decodes(context: &Context<'_>, rule: &Rule) -> Outcome {
    match &analysis(context)?.pixels {
        Pixels::Decoded(_) => Ok(vec![]),
        Pixels::Failed(why) => Ok(vec![
            Finding::new(icon_field(rule)).with("error", why.as_str()),
        ]),
        Pixels::TooLarge { width, height } => Err(format!(
            "the icon ({width}×{height}) was refused before decoding"
        )),
        Pixels::NotAttempted(why) => Err(why.clone()),
    }
}

/// `icon_square`: width equals height.
pub fn square(context: &Context<'_>, rule: &Rule) -> Outcome {
    let header = header(context)?;
    Ok(if header.width == header.height {
        vec![]
    } else {
        vec![
            Finding::new(icon_field(rule))
                .with("width", header.width)
                .with("height", header.height),
        ]
    })
}

/// `icon_pixel_bounds`: each side is within `min_side..=max_side`.
pub fn pixel_bounds(context: &Context<'_>, rule: &Rule) -> Outcome {
    let header = header(context)?;
    let min = rule
        .param_u64("min_side")
        .ok_or_else(|| missing_param(rule, "min_side"))?;
    let max = rule
        .param_u64("max_side")
        .ok_or_else(|| missing_param(rule, "max_side"))?;
    let within = |side: u32| (min..=max).contains(&u64::from(side));
    Ok(if within(header.width) && within(header.height) {
        vec![]
    } else {
        vec![
            Finding::new(icon_field(rule))
                .with("width", header.width)
                .with("height", header.height),
        ]
    })
}

/// `icon_not_animated`: no APNG animation control chunk, no second GIF frame.
pub fn not_animated(context: &Context<'_>, rule: &Rule) -> Outcome {
    let header = header(context)?;
    Ok(if header.animated {
        vec![Finding::new(icon_field(rule)).with("format", analysis(context)?.format.as_str())]
    } else {
        vec![]
    })
}

/// `icon_color_type`: the colour type is one of `allowed` (for example `rgb8`, `rgba8`).
pub fn color_type(context: &Context<'_>, rule: &Rule) -> Outcome {
    let header = header(context)?;
    let allowed = rule
        .param_strings("allowed")
        .ok_or_else(|| missing_param(rule, "allowed"))?;
    Ok(if allowed.contains(&header.color.as_str()) {
        vec![]
    } else {
        vec![Finding::new(icon_field(rule)).with("color", header.color.as_str())]
    })
}

/// `icon_not_blank`: not every pixel is (nearly) transparent, and not every pixel is the same
/// colour (within `tolerance` per channel).
pub fn not_blank(context: &Context<'_>, rule: &Rule) -> Outcome {
    let image = pixels(context)?;
    let alpha_threshold = param_u8(rule, "alpha_threshold")?;
    let tolerance = param_u8(rule, "tolerance")?;
    let mut pixels = image
        .as_raw()
        .chunks_exact(4)
        .map(|p| [p[0], p[1], p[2], p[3]]);
    let Some(first) = pixels.next() else {
        return Ok(vec![Finding::new(icon_field(rule))]);
    };
    let mut all_transparent = first[3] <= alpha_threshold;
    let mut all_same = true;
    for p in pixels {
        // A pixel equal to the first changes neither answer. Most icons open with rows of one
        // background colour, so this cheap test skips the bulk of the scan (it was a quarter
        // of the whole validation of a 1024×1024 icon).
        if p == first {
            continue;
        }
        all_transparent &= p[3] <= alpha_threshold;
        all_same &= distance(p, first) <= tolerance;
        if !all_transparent && !all_same {
            return Ok(vec![]);
        }
    }
    Ok(vec![Finding::new(icon_field(rule))])
}

fn param_u8(rule: &Rule, name: &str) -> Result<u8, String> {
    rule.param_u64(name)
        .and_then(|v| u8::try_from(v).ok())
        .ok_or_else(|| missing_param(rule, name))
}

/// The largest difference of one channel (alpha included).
fn distance(a: [u8; 4], b: [u8; 4]) -> u8 {
    (0..4).map(|i| a[i].abs_diff(b[i])).max().unwrap_or(0)
}

/// `icon_corners_clear`: no visible content in the corner zones (`zone_percent` of each side)
/// where AppConnect draws the installation status badges. "Visible" means alpha above
/// `alpha_threshold` and, when the background is opaque, a colour more than `tolerance` away
/// from it. The background is the per-channel median of the outermost ring of pixels. One
/// diagnostic per corner, naming it; at least `min_pixels` visible pixels make a corner busy.
pub fn corners_clear(context: &Context<'_>, rule: &Rule) -> Outcome {
    let image = pixels(context)?;
    let zone_percent = rule
        .param_u64("zone_percent")
        .filter(|p| *p <= 50)
        .ok_or_else(|| missing_param(rule, "zone_percent"))?;
    let alpha_threshold = param_u8(rule, "alpha_threshold")?;
    let tolerance = param_u8(rule, "tolerance")?;
    let min_pixels = rule.param_u64("min_pixels").unwrap_or(1);
    let (width, height) = image.dimensions();
    if width == 0 || height == 0 {
        return Ok(vec![]);
    }
    let background = border_median(image);
    let background_transparent = background[3] <= alpha_threshold;
    let visible = |p: [u8; 4]| {
        p[3] > alpha_threshold && (background_transparent || distance(p, background) > tolerance)
    };
    let zone_w = (u64::from(width) * zone_percent).div_ceil(100) as u32;
    let zone_h = (u64::from(height) * zone_percent).div_ceil(100) as u32;
    let corners = [
        ("top-left", 0, 0),
        ("top-right", width - zone_w, 0),
        ("bottom-left", 0, height - zone_h),
        ("bottom-right", width - zone_w, height - zone_h),
    ];
    let mut findings = Vec::new();
    for (corner, x0, y0) in corners {
        let mut count = 0u64;
        let row_bytes = width as usize * 4;
        let raw = image.as_raw();
        for y in y0..y0 + zone_h {
            let start = y as usize * row_bytes + x0 as usize * 4;
            let row = &raw[start..start + zone_w as usize * 4];
            count += row
                .chunks_exact(4)
                .filter(|p| visible([p[0], p[1], p[2], p[3]]))
                .count() as u64;
            if count >= min_pixels {
                break;
            }
        }
        if count >= min_pixels {
            findings.push(
                Finding::new(icon_field(rule))
                    .with("corner", corner)
                    .with("zone_percent", zone_percent),
            );
        }
    }
    Ok(findings)
}

fn border_median(image: &RgbaImage) -> [u8; 4] {
    let (width, height) = image.dimensions();
    let mut ring: Vec<[u8; 4]> = Vec::with_capacity(2 * (width + height) as usize);
    for x in 0..width {
        ring.push(image.get_pixel(x, 0).0);
        ring.push(image.get_pixel(x, height - 1).0);
    }
    for y in 0..height {
        ring.push(image.get_pixel(0, y).0);
        ring.push(image.get_pixel(width - 1, y).0);
    }
    let mut median = [0u8; 4];
    for (channel, out) in median.iter_mut().enumerate() {
        let mut values: Vec<u8> = ring.iter().map(|p| p[channel]).collect();
        let mid = values.len() / 2;
        *out = *values.select_nth_unstable(mid).1;
    }
    median
}

static FUZZ_PACK: std::sync::LazyLock<RulesPack> =
    std::sync::LazyLock::new(RulesPack::default_pack);

/// The fuzz target's body (`fuzz/fuzz_targets/icon.rs`, and its stable runner in the tests): runs
/// every icon rule of the default pack over `data` under two names, and checks what must hold
/// for any input. Panics only if the engine is wrong.
pub fn fuzz_icon(data: &[u8]) {
    for name in ["icon.png", "icon.jpg"] {
        let report = super::validate_icon(data, name, &FUZZ_PACK);
        assert_eq!(report.pack_version, FUZZ_PACK.version);
        for d in &report.diagnostics {
            assert!(
                !report.not_checked.iter().any(|n| n.rule == d.rule),
                "{} both reported and not checked",
                d.rule
            );
        }
    }
    let analysis = analyse(
        IconInput {
            bytes: data,
            file_name: "icon.png",
        },
        DecodeLimits::DEFAULT,
    );
    if let (Ok(header), Pixels::Decoded(image)) = (&analysis.header, &analysis.pixels) {
        assert!(
            u64::from(header.width) * u64::from(header.height) <= DecodeLimits::DEFAULT.max_pixels
        );
        assert!(
            u64::from(image.width()) * u64::from(image.height())
                <= DecodeLimits::DEFAULT.max_pixels
        );
    }
}
