//! Marketplace asset rules: how many screenshots, and how large each is. Sizes need the bytes,
//! which the caller may not have: a screenshot whose size is unknown makes the size rule
//! not checked, never passed.

use super::{Context, Finding, Outcome, Rule, missing_param};
use crate::model::AssetType;

fn screenshots<'c>(context: &'c Context<'_>) -> impl Iterator<Item = (usize, &'c str)> + 'c {
    context
        .input
        .content
        .marketplace
        .assets
        .iter()
        .enumerate()
        .filter(|(_, asset)| asset.kind == AssetType::Screenshot)
        .map(|(i, asset)| (i, asset.url.as_str()))
}

/// `screenshot_count`: between `min` and `max` screenshots.
pub fn screenshot_count(context: &Context<'_>, rule: &Rule) -> Outcome {
    let min = rule
        .param_u64("min")
        .ok_or_else(|| missing_param(rule, "min"))?;
    let max = rule
        .param_u64("max")
        .ok_or_else(|| missing_param(rule, "max"))?;
    let count = screenshots(context).count() as u64;
    Ok(if (min..=max).contains(&count) {
        vec![]
    } else {
        vec![Finding::new(rule.field.clone()).with("count", count)]
    })
}

/// `screenshot_max_bytes`: each screenshot is at most `max_bytes` long.
pub fn screenshot_max_bytes(context: &Context<'_>, rule: &Rule) -> Outcome {
    let max = rule
        .param_u64("max_bytes")
        .ok_or_else(|| missing_param(rule, "max_bytes"))?;
    let all: Vec<_> = screenshots(context).collect();
    let sizes = context.input.asset_sizes;
    let unknown = all
        .iter()
        .filter(|(_, url)| sizes.is_none_or(|s| !s.contains_key(*url)))
        .count();
    if unknown > 0 {
        return Err(format!(
            "the size of {unknown} of {} screenshots is unknown (their bytes were not given)",
            all.len()
        ));
    }
    Ok(all
        .iter()
        .filter_map(|(i, url)| {
            let bytes = *sizes?.get(*url)?;
            (bytes > max)
                .then(|| Finding::new(format!("marketplace.assets[{i}]")).with("bytes", bytes))
        })
        .collect())
}
