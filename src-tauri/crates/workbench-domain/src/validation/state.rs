//! State rules: edits only where the review track allows them ([`edit_lock`]), and the icon and
//! plan freeze in a version that follows a published one, which is a pack rule
//! (`policy.freeze_icon_and_plans_after_publish`, parameter `enabled`), not hard-coded.

use super::{Context, Finding, Outcome, Rule, RulesPack, missing_param};
use crate::review::{ContentPart, EditContext, EditLock, edit_lock};

/// The kind of the pack rule that freezes the icon and plans after a publish.
pub const FREEZE_KIND: &str = "policy_freeze_icon_and_plans";

/// The edit context with the freeze policy taken from `pack`: frozen when the pack has an
/// enabled rule of kind [`FREEZE_KIND`].
pub fn edit_context(pack: &RulesPack, follows_published_version: bool) -> EditContext {
    EditContext {
        follows_published_version,
        freeze_icon_and_plans_after_publish: pack
            .rules
            .iter()
            .any(|r| r.kind == FREEZE_KIND && r.param_bool("enabled") == Some(true)),
    }
}

/// The field a diagnostic about editing `part` points at.
pub fn part_field(part: ContentPart) -> &'static str {
    match part {
        ContentPart::General => "general",
        ContentPart::Technical => "technical",
        ContentPart::Marketplace => "marketplace",
        ContentPart::SubscriptionPlans => "subscription_types",
        ContentPart::Icon => "icon",
    }
}

fn editing<'c>(context: &'c Context<'_>) -> Result<&'c [ContentPart], String> {
    context.input.editing.ok_or_else(|| {
        "no edit was given, so there is nothing to check against the review tracks".to_owned()
    })
}

/// `state_track_editable`: each part being edited belongs to tracks that are Draft or Rejected.
pub fn track_editable(context: &Context<'_>, _rule: &Rule) -> Outcome {
    let parts = editing(context)?;
    let no_freeze = EditContext {
        follows_published_version: context.input.follows_published_version,
        freeze_icon_and_plans_after_publish: false,
    };
    Ok(parts
        .iter()
        .filter_map(
            |&part| match edit_lock(context.input.status, part, no_freeze) {
                Err(lock @ EditLock::TrackLocked { track, status }) => Some(
                    Finding::new(part_field(part))
                        .with("track", track.as_str())
                        .with("status", status.label())
                        .with("reason", lock.to_string()),
                ),
                _ => None,
            },
        )
        .collect())
}

/// `policy_freeze_icon_and_plans`: when `enabled`, the icon and plans of a version that follows a
/// published one are not edited (only Talkdesk changes them).
pub fn freeze_icon_and_plans(context: &Context<'_>, rule: &Rule) -> Outcome {
    let enabled = rule
        .param_bool("enabled")
        .ok_or_else(|| missing_param(rule, "enabled"))?;
    let parts = editing(context)?;
    let edit_context = EditContext {
        follows_published_version: context.input.follows_published_version,
        freeze_icon_and_plans_after_publish: enabled,
    };
    Ok(parts
        .iter()
        .filter_map(
            |&part| match edit_lock(context.input.status, part, edit_context) {
                Err(lock @ EditLock::FrozenAfterPublish) => {
                    Some(Finding::new(part_field(part)).with("reason", lock.to_string()))
                }
                _ => None,
            },
        )
        .collect())
}
