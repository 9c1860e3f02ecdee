//! Validating a version with a 1024×1024 PNG icon against decoding the same bytes with `image`
//! alone (target: within 1.3×), and refusing a PNG whose header claims 60000×60000 pixels
//! (target: under 5 ms; its peak memory is measured by `tests/bomb_memory.rs`).

use std::io::Cursor;

use criterion::{Criterion, criterion_group, criterion_main};
use image::{DynamicImage, ImageFormat, ImageReader, Rgba, RgbaImage};
use workbench_domain::model::{PlanType, SubscriptionPlan, VersionContent};
use workbench_domain::validation::{RulesPack, ValidationInput, validate, validate_icon};
use workbench_domain::{LicenseType, VersionStatus};

/// A 1024×1024 RGBA icon: a shaded disc on transparency, clear of the corners.
fn icon_png() -> Vec<u8> {
    let image = RgbaImage::from_fn(1024, 1024, |x, y| {
        let (dx, dy) = (x as f32 - 512.0, y as f32 - 512.0);
        if dx * dx + dy * dy <= 360.0 * 360.0 {
            Rgba([(x / 4) as u8, (y / 4) as u8, 200, 255])
        } else {
            Rgba([0, 0, 0, 0])
        }
    });
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgba8(image)
        .write_to(&mut out, ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

fn bomb_png() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../tests/fixtures/icons/bomb-60000.png"
    ))
    .unwrap()
}

fn content() -> VersionContent {
    let mut content = VersionContent::default();
    content.general.display_name = "Acme Call Notes".into();
    content.general.slug = "acme-call-notes".into();
    content.marketplace.listing_summary = "Take notes during calls.".into();
    content.marketplace.description =
        "Acme Call Notes keeps notes beside every call, with the Team plan at $29.".into();
    content.marketplace.categories = vec!["Productivity".into()];
    for (kind, name, price) in [
        (PlanType::Trial, "Trial", 0),
        (PlanType::Paid, "Team", 2900),
    ] {
        content.subscription_types.push(SubscriptionPlan {
            kind,
            license_type: LicenseType::Individual,
            name: name.into(),
            price,
            currency: "USD".into(),
            description: String::new(),
            listing_summary: String::new(),
            min_licenses: 1,
            max_licenses: 100,
            trial_days: None,
        });
    }
    content
}

fn benches(c: &mut Criterion) {
    let pack = RulesPack::default_pack();
    let icon = icon_png();
    let content = content();
    let report = validate(
        &ValidationInput::new(&content, VersionStatus::NEW).with_icon(&icon, "icon.png"),
        &pack,
        &[],
    );
    assert!(
        report
            .diagnostics
            .iter()
            .all(|d| !d.rule.starts_with("icon.")),
        "the bench icon is valid: {:?}",
        report.diagnostics
    );

    let mut group = c.benchmark_group("icon_1024");
    group.bench_function("image_decode_alone", |b| {
        b.iter(|| {
            ImageReader::with_format(Cursor::new(&icon), ImageFormat::Png)
                .decode()
                .unwrap()
        })
    });
    group.bench_function("image_decode_with_limits", |b| {
        b.iter(|| {
            let mut limits = image::Limits::default();
            limits.max_image_width = Some(4_194_304);
            limits.max_image_height = Some(4_194_304);
            limits.max_alloc = Some(32 * 1024 * 1024);
            let mut reader = ImageReader::with_format(Cursor::new(&icon), ImageFormat::Png);
            reader.limits(limits);
            reader.decode().unwrap()
        })
    });
    group.bench_function("validate_version", |b| {
        b.iter(|| {
            let input =
                ValidationInput::new(&content, VersionStatus::NEW).with_icon(&icon, "icon.png");
            validate(&input, &pack, &[])
        })
    });
    group.bench_function("validate_version_without_icon", |b| {
        b.iter(|| {
            validate(
                &ValidationInput::new(&content, VersionStatus::NEW),
                &pack,
                &[],
            )
        })
    });
    group.bench_function("validate_icon_alone", |b| {
        b.iter(|| validate_icon(&icon, "icon.png", &pack))
    });
    group.finish();

    let bomb = bomb_png();
    c.bench_function("refuse_bomb_60000", |b| {
        b.iter(|| validate_icon(&bomb, "bomb.png", &pack))
    });
}

criterion_group!(validate_benches, benches);
criterion_main!(validate_benches);
